namespace CollabHost;

/// <summary>
/// Why a request to /ws is not a WebSocket opening handshake this server can answer with 101: the HTTP status, the
/// reason counted in <c>collab_messages_rejected_total</c> (as <c>upgrade_</c> + reason), and the text of the body.
/// </summary>
public sealed record UpgradeRefusal(int Status, string Reason, string Message)
{
    /// <summary>Not an upgrade at all, or a malformed one (RFC 6455 §4.2.1: 400).</summary>
    public static UpgradeRefusal NotWebSocket(string message) => new(StatusCodes.Status400BadRequest, "not_websocket", message);

    /// <summary>
    /// A version this server does not speak (RFC 6455 §4.4): 426, and the answer names the version it does speak in
    /// <c>Sec-WebSocket-Version</c> so a client can retry with it.
    /// </summary>
    public static UpgradeRefusal UnsupportedVersion(string offered) => new(StatusCodes.Status426UpgradeRequired, "version",
        $"Only WebSocket version {WebSocketUpgrade.Version} is supported" + (offered.Length == 0 ? "; the request names none." : $", not '{Truncated(offered)}'."));

    private static string Truncated(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
