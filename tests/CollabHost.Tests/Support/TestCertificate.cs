using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CollabHost.Tests.Support;

/// <summary>
/// A self-signed certificate for localhost and 127.0.0.1, made fresh for a test and written as PEM files, as a
/// deployment gives Kestrel its certificate (<c>Kestrel:Certificates:Default:Path</c> and <c>KeyPath</c>). Clients
/// trust exactly this certificate and nothing else.
/// </summary>
public sealed class TestCertificate : IDisposable
{
    private readonly string _directory;

    private TestCertificate(X509Certificate2 certificate, string directory)
    {
        Certificate = certificate;
        _directory = directory;
    }

    public X509Certificate2 Certificate { get; }

    public string CertificatePath => Path.Combine(_directory, "collab.crt");

    public string KeyPath => Path.Combine(_directory, "collab.key");

    public static TestCertificate Create()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server auth
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        string directory = Directory.CreateTempSubdirectory("collab-tls-").FullName;
        var made = new TestCertificate(certificate, directory);
        File.WriteAllText(made.CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(made.KeyPath, key.ExportPkcs8PrivateKeyPem());
        return made;
    }

    /// <summary>Host settings that make Kestrel serve TLS itself with this certificate, HTTP/1.1 and HTTP/2 (ALPN).</summary>
    public string[] KestrelSettings =>
    [
        $"--Kestrel:Certificates:Default:Path={CertificatePath}", $"--Kestrel:Certificates:Default:KeyPath={KeyPath}",
        "--Kestrel:EndpointDefaults:Protocols=Http1AndHttp2",
    ];

    /// <summary>A client handler that trusts this certificate (by its exact bytes), no other.</summary>
    public SocketsHttpHandler TrustingHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(Certificate.RawData),
        },
    };

    public void Dispose()
    {
        Certificate.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary folder is cleaned with the rest of /tmp.
        }
    }
}
