namespace CollabHost.Security;

/// <summary>
/// gorilla/websocket's CheckOrigin: browsers send <c>Origin</c> on every WebSocket upgrade and let any page open a
/// socket to any host, with the user's cookies; refusing foreign origins stops cross-site WebSocket hijacking. Allowed:
/// no Origin (not a browser), the origins listed in <c>Collab:AllowedOrigins</c> (<c>scheme://host[:port]</c>,
/// compared ignoring case), and the host's own origin when its host is one of <see cref="AllowedHosts"/>. The Host
/// header alone is no proof of the host's own origin: after DNS rebinding a foreign page sends its own name as both
/// Origin and Host, so the name must also be one this server is configured to answer to.
/// </summary>
public sealed class OriginPolicy(IEnumerable<string> allowedOrigins, IReadOnlyList<string> allowedHosts)
{
    private readonly HashSet<string> _allowed = new(allowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public bool Allows(HttpRequest request) => Allows(request.Headers.Origin.ToString(), request.Host.Value);

    /// <summary>The same rule for a request read without ASP.NET Core: its Origin header (null or empty: none) and its Host header.</summary>
    public bool Allows(string? origin, string? host)
    {
        if (string.IsNullOrEmpty(origin)) return true;
        if (_allowed.Contains(origin)) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
            && string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase)
            && AllowedHosts.Matches(uri.Host, allowedHosts);
    }
}
