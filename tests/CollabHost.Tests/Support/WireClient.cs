using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CollabHost.Tests.Support;

/// <summary>
/// A bare .NET ClientWebSocket speaking the wire protocol by hand (JSON text frames, or raw bytes), for tests that
/// send what a well-behaved client never would. Every receive is bounded by a timeout.
/// </summary>
public sealed class WireClient : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket _socket = new();

    public WebSocket Socket => _socket;

    /// <summary>The status the server answered the opening handshake with: 101 over HTTP/1.1, 200 over HTTP/2.</summary>
    public HttpStatusCode HandshakeStatus => _socket.HttpStatusCode;

    /// <summary>Connects and reads the server's <c>init</c>; returns the client.</summary>
    public static Task<WireClient> ConnectAsync(Uri url) => ConnectAsync(url, null, null);

    /// <summary>
    /// Connects through <paramref name="invoker"/> (an HTTP/2 connection, a handler trusting a test certificate),
    /// with the options <paramref name="configure"/> sets, and reads the server's <c>init</c>.
    /// </summary>
    public static async Task<WireClient> ConnectAsync(Uri url, HttpMessageInvoker? invoker, Action<ClientWebSocketOptions>? configure)
    {
        var client = new WireClient();
        client._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        client._socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(client._socket.Options);
        using var cts = new CancellationTokenSource(ReceiveTimeout);
        await client._socket.ConnectAsync(url, invoker, cts.Token);
        JsonElement init = await client.ReceiveJsonAsync();
        if (init.GetProperty("a").GetString() != "init") throw new InvalidOperationException("Expected init, got " + init);
        return client;
    }

    public Task SendJsonAsync(string json) => SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    public async Task SendAsync(byte[] payload, WebSocketMessageType type)
    {
        using var cts = new CancellationTokenSource(ReceiveTimeout);
        await _socket.SendAsync(payload, type, endOfMessage: true, cts.Token);
    }

    /// <summary>The next frame: its bytes and type, or a close (type Close, then see <see cref="WebSocket.CloseStatus"/>).</summary>
    public async Task<(byte[] Payload, WebSocketMessageType Type)> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? ReceiveTimeout);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (true)
        {
            WebSocketReceiveResult result = await _socket.ReceiveAsync(chunk, cts.Token);
            buffer.Write(chunk, 0, result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
                return (buffer.ToArray(), result.MessageType);
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync()
    {
        (byte[] payload, WebSocketMessageType type) = await ReceiveFrameAsync();
        if (type != WebSocketMessageType.Text)
            throw new InvalidOperationException($"Expected a text frame, got {type} (close status {_socket.CloseStatus}).");
        return JsonDocument.Parse(payload).RootElement.Clone();
    }

    /// <summary>Sends one JSON message and returns the next message from the server.</summary>
    public async Task<JsonElement> RequestAsync(string json)
    {
        await SendJsonAsync(json);
        return await ReceiveJsonAsync();
    }

    /// <summary>Reads until the server's close frame (bounded); returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync(TimeSpan? timeout = null)
    {
        for (int i = 0; i < 100; i++)
        {
            (_, WebSocketMessageType type) = await ReceiveFrameAsync(timeout);
            if (type == WebSocketMessageType.Close) return _socket.CloseStatus;
        }
        throw new InvalidOperationException("No close frame within 100 frames.");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server may have gone first; the socket is disposed either way.
        }
        _socket.Dispose();
    }
}
