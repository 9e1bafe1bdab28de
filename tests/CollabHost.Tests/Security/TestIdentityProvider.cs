using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CollabHost.Tests.Security;

/// <summary>
/// An identity provider made in the test: RSA and EC key pairs generated here, tokens signed with them, and the public
/// halves as a JWKS, written to a file or served over real HTTP on 127.0.0.1 (a free port) like a provider's
/// <c>/.well-known/jwks.json</c>. Keys are published only when the test says so, so a test can rotate them.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string Issuer = "https://idp.test.example/";
    public const string Audience = "collab-api";

    private readonly List<SecurityKey> _published = [];
    private WebApplication? _server;

    private int _jwksRequests;

    /// <summary>How often the JWKS was fetched.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static SecurityKey NewRsaKey(string kid) => new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid };

    public static SecurityKey NewEcKey(string kid) => new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    /// <summary>Puts the key's public half into the JWKS.</summary>
    public void Publish(SecurityKey key)
    {
        lock (_published) _published.Add(key);
    }

    /// <summary>The JWKS document: public parameters only.</summary>
    public string Jwks()
    {
        var keys = new JsonArray();
        lock (_published)
        {
            foreach (SecurityKey key in _published)
            {
                keys.Add(key switch
                {
                    RsaSecurityKey rsa when rsa.Rsa.ExportParameters(false) is var p => new JsonObject
                    {
                        ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = rsa.KeyId,
                        ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                    },
                    ECDsaSecurityKey ec when ec.ECDsa.ExportParameters(false) is var p => new JsonObject
                    {
                        ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = ec.KeyId, ["crv"] = "P-256",
                        ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
                    },
                    _ => throw new ArgumentException("RSA and EC keys only"),
                });
            }
        }
        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }

    /// <summary>A token as a provider issues it: iss, aud, sub, exp, and the document patterns.</summary>
    public static string Token(SecurityKey key, string subject = "alice", string issuer = Issuer, string audience = Audience,
        DateTime? expires = null, string[]? write = null)
    {
        string algorithm = key is ECDsaSecurityKey ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256;
        DateTime exp = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddHours(-2),
            NotBefore = exp.AddHours(-2),
            Expires = exp,
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["name"] = subject, ["write"] = write ?? ["docs/*"] },
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>The same claims unsigned, <c>alg: none</c>: what an attacker sends hoping the check is skipped.</summary>
    public static string UnsignedToken(string signedToken)
    {
        string header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return header + "." + signedToken.Split('.')[1] + ".";
    }

    /// <summary>Serves the JWKS at <c>http://127.0.0.1:{free port}/.well-known/jwks.json</c>; returns its address.</summary>
    public async Task<Uri> ServeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapGet("/.well-known/jwks.json", () =>
        {
            Interlocked.Increment(ref _jwksRequests);
            return Results.Text(Jwks(), "application/json");
        });
        await _server.StartAsync();
        return new Uri(new Uri(_server.Urls.First()), "/.well-known/jwks.json");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }
}
