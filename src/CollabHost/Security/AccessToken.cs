using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollabActors.Security;

namespace CollabHost.Security;

/// <summary>What an access token grants: <c>sub</c>, <c>name</c>, <c>exp</c>, and document patterns under <c>read</c> and <c>write</c>.</summary>
public sealed record AccessTokenClaims(
    string Subject, string Name, DateTimeOffset ExpiresAt, IReadOnlyList<string> Read, IReadOnlyList<string> Write)
{
    public ConnectionAccess ToAccess(byte[] secret) => new(Subject, Name, ExpiresAt,
        Read.Select(DocumentPattern.Parse).ToArray(), Write.Select(DocumentPattern.Parse).ToArray(),
        ClientIdIssuer.BoundTo(Subject, secret));
}

/// <summary>
/// Access tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256, made and checked with
/// System.Security.Cryptography alone. Only <c>alg: HS256</c> is accepted (never <c>none</c>, never a key chosen by
/// the token), the signature is compared in constant time, and <c>exp</c> is required.
/// </summary>
public static class AccessToken
{
    public const int MinSecretBytes = 32;

    /// <summary>Longer tokens are refused unread.</summary>
    public const int MaxTokenChars = 8 * 1024;

    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    public static string Create(AccessTokenClaims claims, byte[] secret, DateTimeOffset issuedAt)
    {
        var payload = new JsonObject
        {
            ["sub"] = claims.Subject,
            ["name"] = claims.Name,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = claims.ExpiresAt.ToUnixTimeSeconds(),
            ["read"] = new JsonArray(claims.Read.Select(p => (JsonNode?)p).ToArray()),
            ["write"] = new JsonArray(claims.Write.Select(p => (JsonNode?)p).ToArray()),
        };
        string signed = Header + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return signed + "." + Base64Url.EncodeToString(Sign(signed, secret));
    }

    /// <summary>The token's claims if it is well formed, signed with <paramref name="secret"/> and not expired; otherwise why not.</summary>
    public static bool TryValidate(string token, byte[] secret, DateTimeOffset now, out AccessTokenClaims? claims, out string error)
    {
        claims = null;
        error = "";
        if (token.Length > MaxTokenChars)
        {
            error = "token too long";
            return false;
        }
        string[] parts = token.Split('.');
        if (parts.Length != 3)
        {
            error = "not a compact JWT";
            return false;
        }
        try
        {
            using JsonDocument header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (header.RootElement.ValueKind != JsonValueKind.Object
                || !header.RootElement.TryGetProperty("alg", out JsonElement alg) || alg.ValueKind != JsonValueKind.String
                || alg.GetString() != "HS256")
            {
                error = "alg must be HS256";
                return false;
            }
            byte[] signature = Base64Url.DecodeFromChars(parts[2]);
            if (!CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0] + "." + parts[1], secret)))
            {
                error = "bad signature";
                return false;
            }
            using JsonDocument payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            JsonElement p = payload.RootElement;
            if (p.ValueKind != JsonValueKind.Object) throw new FormatException("payload is not an object");
            string subject = RequiredString(p, "sub");
            if (!p.TryGetProperty("exp", out JsonElement exp) || !exp.TryGetInt64(out long expSeconds))
                throw new FormatException("exp missing");
            var expiresAt = DateTimeOffset.FromUnixTimeSeconds(expSeconds);
            if (expiresAt <= now)
            {
                error = "token expired";
                return false;
            }
            if (p.TryGetProperty("nbf", out JsonElement nbf) && nbf.TryGetInt64(out long nbfSeconds)
                && DateTimeOffset.FromUnixTimeSeconds(nbfSeconds) > now)
            {
                error = "token not valid yet";
                return false;
            }
            string name = p.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : subject;
            string[] read = Patterns(p, "read"), write = Patterns(p, "write");
            foreach (string pattern in read.Concat(write)) DocumentPattern.Parse(pattern);
            claims = new AccessTokenClaims(subject, name, expiresAt, read, write);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            error = "malformed token";
            return false;
        }
    }

    private static byte[] Sign(string signedPart, byte[] secret) => HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signedPart));

    private static string RequiredString(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : throw new FormatException(name + " missing");

    private static string[] Patterns(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return [];
        if (value.ValueKind == JsonValueKind.String) return [value.GetString()!];
        if (value.ValueKind != JsonValueKind.Array) throw new FormatException(name + " must be a list of patterns");
        return value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException(name)).ToArray();
    }
}
