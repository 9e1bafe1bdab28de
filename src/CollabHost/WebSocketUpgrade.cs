using System.Net.WebSockets;
using CollabActors.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace CollabHost;

/// <summary>
/// The server side of the WebSocket opening handshake, done by ASP.NET Core (<c>AcceptWebSocketAsync</c>): an
/// HTTP/1.1 upgrade (RFC 6455 §4.2) or an HTTP/2 extended CONNECT (RFC 8441), with the key and version checked by
/// the platform. The socket runs over a <see cref="HeartbeatStream"/> (<see cref="HeartbeatStreamUpgrades"/>), which
/// the connection actor needs to cork batches of frames into one send and to see the peer's bytes for its heartbeat.
/// </summary>
public static class WebSocketUpgrade
{
    /// <summary>The one version of the protocol there is (RFC 6455); it is what an answer of 426 names.</summary>
    public const string Version = "13";

    /// <summary>Why the request cannot be accepted as a WebSocket, or null when it can.</summary>
    public static UpgradeRefusal? Refusal(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest) return null;
        bool upgrade = context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true };
        bool extendedConnect = context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true };
        if (!upgrade && !extendedConnect)
            return UpgradeRefusal.NotWebSocket(
                "Not a WebSocket opening handshake: expected an HTTP/1.1 GET with 'Upgrade: websocket' or an HTTP/2 extended CONNECT.");
        // The platform said no; say which rule it was, the version first since only that one has a retry (426).
        string version = context.Request.Headers.SecWebSocketVersion.ToString();
        if (version != Version) return UpgradeRefusal.UnsupportedVersion(version);
        if (extendedConnect) return UpgradeRefusal.NotWebSocket("An extended CONNECT to /ws must name the protocol 'websocket'.");
        return UpgradeRefusal.NotWebSocket(
            "Not a WebSocket opening handshake (RFC 6455 §4.2.1): a GET with 'Connection: Upgrade', 'Upgrade: websocket' " +
            "and a Sec-WebSocket-Key of 16 bytes in base64 (24 characters), sent once.");
    }

    /// <summary>
    /// Answers the handshake and returns the WebSocket and the stream under it. Call only when <see cref="Refusal"/>
    /// is null.
    /// </summary>
    public static async Task<(WebSocket Socket, HeartbeatStream Stream)> AcceptAsync(HttpContext context)
    {
        // An accepted WebSocket is long-lived and may be idle: the body data-rate rule does not apply to it (HTTP/2
        // takes only null for the rate). Kestrel's body size limit does not count a WebSocket's frames, over HTTP/2
        // either (WebSocketOverHttp2Tests); do not null it here: on an HTTP/1.1 upgrade that made Kestrel now and
        // then reset the connection under the platform's last close frame (the 1007 of BadInputTests).
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate) rate.MinDataRate = null;

        // No keep-alive from the platform: the connection actor's timers run the heartbeat (docs/server.md says why).
        WebSocket socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = TimeSpan.Zero,
        });
        if (context.Features.Get<HeartbeatStreamFeature>()?.Stream is { } stream) return (socket, stream);
        socket.Abort();
        throw new InvalidOperationException(
            "The WebSocket was accepted over a stream of the server's own: UseHeartbeatStreamUpgrades must come before UseWebSockets.");
    }

    /// <summary>The HTTP version a WebSocket was opened over, as the <c>protocol</c> label of the accepted-sockets metric.</summary>
    public static string ProtocolOf(HttpRequest request) =>
        HttpProtocol.IsHttp2(request.Protocol) ? "HTTP/2" : HttpProtocol.IsHttp3(request.Protocol) ? "HTTP/3" : "HTTP/1.1";
}
