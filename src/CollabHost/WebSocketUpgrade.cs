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

    /// <summary>The one version of the protocol there is (RFC 6455); it is what an answer of 426 names.</summary>
    public const string Version = "13";

    /// <summary>Bytes of the client's nonce once base64 is undone (RFC 6455 §4.1: "a randomly selected 16-byte value").</summary>
    private const int KeyBytes = 16;

    /// <summary>Why the request cannot be upgraded, or null when it can.</summary>
    public static UpgradeRefusal? Refusal(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is null || !upgrade.IsUpgradableRequest) return UpgradeRefusal.NotWebSocket("Not a WebSocket upgrade request.");
        HttpRequest request = context.Request;
        if (!HttpMethods.IsGet(request.Method)) return UpgradeRefusal.NotWebSocket("A WebSocket upgrade must be a GET.");
        if (!request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase))
            return UpgradeRefusal.NotWebSocket("Missing 'Upgrade: websocket'.");
        string version = request.Headers.SecWebSocketVersion.ToString();
        if (version != Version) return UpgradeRefusal.UnsupportedVersion(version);
        string key = request.Headers.SecWebSocketKey.ToString();
        if (key.Length == 0) return UpgradeRefusal.NotWebSocket("Missing Sec-WebSocket-Key.");
        if (!IsValidKey(key))
            return UpgradeRefusal.NotWebSocket("Sec-WebSocket-Key must be 16 bytes in base64 (24 characters), sent once.");
        return null;
    }

    /// <summary>
    /// RFC 6455 §4.2.1: the key is base64 of 16 bytes, so exactly 24 characters ending in "==". A client sending
    /// anything else is not a conforming WebSocket client, and answering it 101 would tell it otherwise. Two keys
    /// arrive joined by a comma, which is not base64 either.
    /// </summary>
    private static bool IsValidKey(string key)
    {
        string trimmed = key.Trim();
        Span<byte> decoded = stackalloc byte[KeyBytes];
        return trimmed.Length == 24 && Convert.TryFromBase64String(trimmed, decoded, out int written) && written == KeyBytes;
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
