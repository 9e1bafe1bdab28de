using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace CollabClient.Wire;

/// <summary>
/// One open WebSocket: a receive side read by one loop, and a write pump that is the only writer to the socket
/// (frames are queued, so callers never wait on the network). A reconnect makes a new session.
/// </summary>
internal sealed class WireSession : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly FrameEncoding _encoding;
    private readonly int _maxFrameBytes;
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private byte[] _receiveBuffer = new byte[4 * 1024];
    private int _disposed;

    public WireSession(ClientWebSocket socket, FrameEncoding encoding, int maxFrameBytes)
    {
        _socket = socket;
        _encoding = encoding;
        _maxFrameBytes = maxFrameBytes;
        WritePump = Task.Run(WritePumpAsync);
    }

    public Task WritePump { get; }

    /// <summary>Queues a message; false if the session is already closing.</summary>
    public bool Send(JsonObject message) => _outbound.Writer.TryWrite(WireFrameCodec.Encode(message, _encoding));

    /// <summary>Reads the next message, or null when the server closed the socket.</summary>
    /// <remarks>
    /// Not a pooled ValueTask builder (PoolingAsyncValueTaskMethodBuilder), although this runs once per frame: with
    /// it, the kill -9 test (CrashTests) saw writers' texts diverge from the server's in about one run in five
    /// (ops inserted inside other ops' tokens) and never in 22 runs without it. The allocation saved is not worth
    /// an unexplained divergence.
    /// </remarks>
    public async ValueTask<IncomingMessage?> ReceiveAsync(CancellationToken ct)
    {
        int length = 0;
        while (true)
        {
            if (length == _receiveBuffer.Length)
            {
                if (length >= _maxFrameBytes) throw new CollabProtocolException($"The server sent a frame over {_maxFrameBytes} bytes.");
                Array.Resize(ref _receiveBuffer, Math.Min(_maxFrameBytes, _receiveBuffer.Length * 2));
            }
            ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(_receiveBuffer.AsMemory(length), ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
            if (result.EndOfMessage)
            {
                IncomingMessage message = WireFrameCodec.DecodeMessage(_receiveBuffer.AsMemory(0, length), result.MessageType == WebSocketMessageType.Binary);
                if (_receiveBuffer.Length > 1024 * 1024) _receiveBuffer = new byte[4 * 1024];
                return message;
            }
        }
    }

    private async Task WritePumpAsync()
    {
        WebSocketMessageType type = _encoding == FrameEncoding.Json ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
        try
        {
            await foreach (byte[] frame in _outbound.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await _socket.SendAsync(frame, type, endOfMessage: true, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || _socket.State != WebSocketState.Open)
        {
            // The session is ending; the receive loop reports why.
        }
        catch (Exception)
        {
            // A failed write means the connection is gone: abort so the receive loop ends and reconnects.
            _socket.Abort();
        }
    }

    /// <summary>Closes politely (best effort, bounded), then releases the socket.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        _outbound.Writer.TryComplete();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await WritePump.WaitAsync(cts.Token).ConfigureAwait(false);
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Closing is best effort: the socket is aborted below either way.
        }
        Dispose();
    }

    /// <summary>Drops the connection at once (tests use this to simulate a network failure).</summary>
    public void Abort() => _socket.Abort();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _outbound.Writer.TryComplete();
        _stop.Cancel();
        _socket.Abort();
        _socket.Dispose();
    }
}
