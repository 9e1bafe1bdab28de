namespace CollabActors.Connections;

/// <summary>
/// The upgraded connection's byte stream, wrapped so the connection actor can run its own heartbeat under a
/// standard <see cref="System.Net.WebSockets.WebSocket"/>: it notes when the peer last sent any byte (a pong, a
/// frame, anything proves it alive) and writes ping control frames between the WebSocket's own frames. Every write
/// takes one lock, and the WebSocket writes each frame in a single call, so a ping never lands inside a frame.
/// </summary>
public sealed class HeartbeatStream(Stream inner) : Stream
{
    /// <summary>A server ping: FIN + opcode 0x9, unmasked, empty payload (RFC 6455 §5.5.2).</summary>
    private static readonly byte[] PingFrame = [0x89, 0x00];

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private long _lastInboundTick = Environment.TickCount64;

    /// <summary>When the peer last sent a byte, on the <see cref="Environment.TickCount64"/> clock.</summary>
    public long LastInboundTick => Interlocked.Read(ref _lastInboundTick);

    public async Task WritePingAsync(CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(PingFrame, ct).ConfigureAwait(false);
            await inner.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        int read = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        if (read > 0) Interlocked.Exchange(ref _lastInboundTick, Environment.TickCount64);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(buffer, ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken ct) => inner.FlushAsync(ct);

    public override void Flush() => inner.Flush();

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
