using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CollabActors.Security;

namespace CollabHost.Security;

/// <summary>What an access token grants: <c>sub</c>, <c>name</c>, <c>exp</c>, and document patterns under <c>read</c> and <c>write</c>.</summary>
public sealed record AccessTokenClaims(
    string Subject, string Name, DateTimeOffset ExpiresAt, IReadOnlyList<string> Read, IReadOnlyList<string> Write)
{
    /// <summary>
    /// The claims of a token the JwtBearer handler has validated. A JSON array claim arrives as one claim per element,
    /// a string as one claim. Throws <see cref="FormatException"/> when <c>sub</c> or <c>exp</c> is missing or a pattern is bad.
    /// </summary>
    public static AccessTokenClaims From(ClaimsPrincipal user)
    {
        string subject = user.FindFirst("sub")?.Value is { Length: > 0 } s ? s : throw new FormatException("sub missing");
        string name = user.FindFirst("name")?.Value is { Length: > 0 } n ? n : subject;
        DateTimeOffset expiresAt = long.TryParse(user.FindFirst("exp")?.Value, out long exp)
            ? DateTimeOffset.FromUnixTimeSeconds(exp)
            : throw new FormatException("exp missing");
        string[] read = user.FindAll("read").Select(c => c.Value).ToArray();
        string[] write = user.FindAll("write").Select(c => c.Value).ToArray();
        foreach (string pattern in read.Concat(write)) DocumentPattern.Parse(pattern);
        return new AccessTokenClaims(subject, name, expiresAt, read, write);
    }

    /// <summary>What the connection may do; its client ids are bound to the subject with <paramref name="clientIdKey"/>.</summary>
    public ConnectionAccess ToAccess(byte[] clientIdKey) => new(Subject, Name, ExpiresAt,
        Read.Select(DocumentPattern.Parse).ToArray(), Write.Select(DocumentPattern.Parse).ToArray(),
        ClientIdIssuer.BoundTo(Subject, clientIdKey));
}

/// <summary>
/// Mints development access tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256 under <c>Collab:Auth:Secret</c>,
/// with <c>iss</c> and <c>aud</c> when the host checks them. The host validates every token, these and an identity
/// provider's, in <see cref="CollabAuthentication"/>.
/// </summary>
public static class AccessToken
{
    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    public static string Create(AccessTokenClaims claims, byte[] secret, DateTimeOffset issuedAt, string? issuer = null, string? audience = null)
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
        if (issuer is not null) payload["iss"] = issuer;
        if (audience is not null) payload["aud"] = audience;
        string signed = Header + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return signed + "." + Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signed)));
    }
}
