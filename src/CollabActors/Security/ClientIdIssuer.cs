using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CollabActors.Security;

/// <summary>
/// Issues the client ids that become the <c>src</c> of a connection's ops, and decides whether a handshake may resume
/// an earlier id. Ops are deduplicated by (src, seq), and every subscriber sees the src of every op, so an id anybody
/// could resume would let one editor commit ops under another's src and have that editor's real ops dropped as
/// duplicates. With authentication on, an id carries an HMAC over the subject it was issued to: only the same subject
/// can resume it, on any node that shares the secret.
/// </summary>
public sealed class ClientIdIssuer
{
    private const int RandomBytes = 12;
    private const int MacBytes = 12;
    private readonly byte[]? _key;
    private readonly string _subject;

    private ClientIdIssuer(byte[]? key, string subject)
    {
        _key = key;
        _subject = subject;
    }

    /// <summary>Authentication off: random ids, and any id may be resumed (ShareDB's behaviour).</summary>
    public static ClientIdIssuer Unbound { get; } = new(null, "");

    /// <summary>Ids bound to <paramref name="subject"/> with a key derived from the token secret.</summary>
    public static ClientIdIssuer BoundTo(string subject, byte[] secret) =>
        new(HMACSHA256.HashData(secret, "collab client ids"u8), subject);

    public string NewId()
    {
        if (_key is null) return Guid.NewGuid().ToString("N");
        byte[] random = RandomNumberGenerator.GetBytes(RandomBytes);
        return Base64Url.EncodeToString(random) + "." + Base64Url.EncodeToString(Mac(random));
    }

    public bool MayResume(string previousId)
    {
        if (_key is null) return true;
        int dot = previousId.IndexOf('.');
        if (dot < 0) return false;
        byte[] random, mac;
        try
        {
            random = Base64Url.DecodeFromChars(previousId.AsSpan(0, dot));
            mac = Base64Url.DecodeFromChars(previousId.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }
        return random.Length == RandomBytes && CryptographicOperations.FixedTimeEquals(mac, Mac(random));
    }

    private byte[] Mac(byte[] random)
    {
        byte[] subject = Encoding.UTF8.GetBytes(_subject);
        byte[] input = new byte[random.Length + 1 + subject.Length];
        random.CopyTo(input, 0);
        subject.CopyTo(input, random.Length + 1);
        return HMACSHA256.HashData(_key!, input)[..MacBytes];
    }
}
