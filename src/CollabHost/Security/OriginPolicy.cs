namespace CollabHost.Security;

/// <summary>
/// gorilla/websocket's CheckOrigin: browsers send <c>Origin</c> on every WebSocket upgrade and let any page open a
/// socket to any host, with the user's cookies; refusing foreign origins stops cross-site WebSocket hijacking. Allowed:
/// no Origin (not a browser), the host's own origin, and the origins listed in <c>Collab:AllowedOrigins</c>
/// (<c>scheme://host[:port]</c>, compared ignoring case).
/// </summary>
public sealed class OriginPolicy(IEnumerable<string> allowedOrigins)
{
    private readonly HashSet<string> _allowed = new(allowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public bool Allows(HttpRequest request)
    {
        string origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        if (_allowed.Contains(origin)) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
