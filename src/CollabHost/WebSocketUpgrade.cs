using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using CollabActors.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace CollabHost;

/// <summary>
/// The server side of the WebSocket opening handshake (RFC 6455 §4.2), done by hand rather than with
/// AcceptWebSocketAsync so the socket runs over a <see cref="HeartbeatStream"/>: the connection actor needs the
/// byte stream to send its own pings and to see the peer's answers.
/// </summary>
public static class WebSocketUpgrade
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Why the request cannot be upgraded, or null when it can.</summary>
    public static string? Refusal(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is null || !upgrade.IsUpgradableRequest) return "Not a WebSocket upgrade request.";
        HttpRequest request = context.Request;
        if (!HttpMethods.IsGet(request.Method)) return "A WebSocket upgrade must be a GET.";
        if (!request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase))
            return "Missing 'Upgrade: websocket'.";
        if (request.Headers.SecWebSocketVersion.ToString() != "13") return "Only WebSocket version 13 is supported.";
        string key = request.Headers.SecWebSocketKey.ToString();
        if (key.Length == 0) return "Missing Sec-WebSocket-Key.";
        return null;
    }

    /// <summary>Answers 101 and returns the WebSocket and the stream under it. Call only when <see cref="Refusal"/> is null.</summary>
    public static async Task<(WebSocket Socket, HeartbeatStream Stream)> AcceptAsync(HttpContext context)
    {
        string key = context.Request.Headers.SecWebSocketKey.ToString();
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + AcceptGuid)));
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = accept;

        // An upgraded connection is long-lived and may be idle: the body data-rate rule does not apply to it.
        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate) rate.MinDataRate = null;
        Stream opaque = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        var stream = new HeartbeatStream(opaque);
        // KeepAliveInterval zero: the connection actor's timers run the heartbeat, not the runtime.
        WebSocket socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
        });
        return (socket, stream);
    }
}
