using System.Text;

namespace CollabHost.DirectWebSockets;

/// <summary>
/// The head of a plain WebSocket opening handshake for <c>/ws</c> (RFC 6455 §4.2.1) as the direct path reads it: a
/// request line and headers, nothing else. <see cref="TryParse"/> is strict on purpose: whatever it does not take
/// (another path or method, a body, a folded or repeated header, an encoded query, a byte outside printable ASCII, a key
/// that is not 16 bytes) is left to ASP.NET Core's HTTP layer, which answers it as it always has, refusals included.
/// So this parser never has to produce an error of its own: a request it misreads as "not mine" loses only memory.
/// </summary>
public sealed record UpgradeRequestHead(string Host, string? Origin, string? Authorization, string? QueryToken, string Key)
{
    /// <summary>The request line this path takes, up to the target: a GET of <c>/ws</c>.</summary>
    public static ReadOnlySpan<byte> Prefix => "GET /ws"u8;

    /// <summary>Headers after which a head is left to the HTTP layer (Kestrel's default <c>MaxRequestHeaderCount</c>).</summary>
    private const int MaxHeaders = 100;

    /// <summary>
    /// Whether <paramref name="start"/>, the first bytes a connection sent, can still become <see cref="Prefix"/> (compared
    /// ignoring the case of the path): false lets any other request go to the HTTP layer at its first read.
    /// </summary>
    public static bool CanStartWith(ReadOnlySpan<byte> start)
    {
        int n = Math.Min(start.Length, Prefix.Length);
        for (int i = 0; i < n; i++)
            if (AsciiLower(start[i], i >= 5) != AsciiLower(Prefix[i], i >= 5)) return false;
        return true;
    }

    /// <summary>
    /// The handshake in <paramref name="head"/> (the bytes up to and including the blank line that ends it), or null
    /// when it is anything but a plain one this path takes.
    /// </summary>
    public static UpgradeRequestHead? TryParse(ReadOnlySpan<byte> head)
    {
        foreach (byte b in head)
            if (b is (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t') or >= 0x7F) return null;
        string text = Encoding.ASCII.GetString(head);
        if (!text.EndsWith("\r\n\r\n", StringComparison.Ordinal)) return null;
        string[] lines = text[..^4].Split("\r\n");
        if (lines.Length - 1 > MaxHeaders || TargetOf(lines[0]) is not { } target) return null;

        int query = target.IndexOf('?');
        string path = query < 0 ? target : target[..query];
        if (!string.Equals(path, "/ws", StringComparison.OrdinalIgnoreCase)) return null;
        if (!TryReadQueryToken(query < 0 ? "" : target[(query + 1)..], out string? queryToken)) return null;

        string? host = null, origin = null, authorization = null, key = null, version = null, upgrade = null, connection = null;
        foreach (string line in lines.AsSpan(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0 || line[0] is ' ' or '\t' || line[colon - 1] is ' ' or '\t') return null; // folded, or no name
            string name = line[..colon];
            string value = line[(colon + 1)..].Trim(' ', '\t');
            bool once = name.ToLowerInvariant() switch
            {
                "host" => Set(ref host, value),
                "origin" => Set(ref origin, value),
                "authorization" => Set(ref authorization, value),
                "sec-websocket-key" => Set(ref key, value),
                "sec-websocket-version" => Set(ref version, value),
                "upgrade" => Set(ref upgrade, value),
                "connection" => Set(ref connection, value),
                "content-length" => value == "0",
                "transfer-encoding" or "expect" => false, // a body, or a wait for 100-continue: not a handshake
                _ => true,
            };
            if (!once) return null;
        }
        if (host is null || version != WebSocketUpgrade.Version || !string.Equals(upgrade, "websocket", StringComparison.OrdinalIgnoreCase)) return null;
        if (connection is null || !connection.Split(',').Any(t => string.Equals(t.Trim(' ', '\t'), "Upgrade", StringComparison.OrdinalIgnoreCase)))
            return null;
        if (key is not { Length: 24 } || !IsSixteenBytesOfBase64(key)) return null;
        return new UpgradeRequestHead(host, origin, authorization, queryToken, key);
    }

    /// <summary>The target of <c>GET target HTTP/1.1</c> in origin form, or null.</summary>
    private static string? TargetOf(string requestLine)
    {
        if (!requestLine.StartsWith("GET /", StringComparison.Ordinal) || !requestLine.EndsWith(" HTTP/1.1", StringComparison.Ordinal)) return null;
        string target = requestLine["GET ".Length..^" HTTP/1.1".Length];
        return target.Contains(' ') || target.Contains('#') ? null : target;
    }

    /// <summary>
    /// The one <c>token</c> parameter of the query (its name compared ignoring case, as ASP.NET Core's query collection
    /// does), or none. False when the query needs decoding (<c>%</c> or <c>+</c>) or names <c>token</c> twice.
    /// </summary>
    private static bool TryReadQueryToken(string query, out string? token)
    {
        token = null;
        if (query.Contains('%') || query.Contains('+')) return false;
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=');
            string name = equals < 0 ? pair : pair[..equals];
            if (!string.Equals(name, "token", StringComparison.OrdinalIgnoreCase)) continue;
            if (token is not null) return false;
            token = equals < 0 ? "" : pair[(equals + 1)..];
        }
        return true;
    }

    private static bool Set(ref string? field, string value)
    {
        if (field is not null) return false;
        field = value;
        return true;
    }

    private static bool IsSixteenBytesOfBase64(string key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out int written) && written == 16;
    }

    private static byte AsciiLower(byte b, bool fold) => fold && b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
