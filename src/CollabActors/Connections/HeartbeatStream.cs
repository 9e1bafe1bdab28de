using System.Buffers;
using System.Runtime.CompilerServices;

namespace CollabActors.Connections;

/// <summary>
/// The byte stream under a WebSocket (Kestrel's connection itself when the handshake was answered below the HTTP layer,
/// an upgraded HTTP/1.1 request, or an HTTP/2 stream opened by an extended CONNECT), wrapped so the connection actor can run its own heartbeat under a standard
/// <see cref="System.Net.WebSockets.WebSocket"/> and cork batches of frames into one send: it notes when the peer last sent any byte (a pong, a
/// frame, anything proves it alive) and writes ping control frames between the WebSocket's own frames. Every write
/// takes one lock, and the WebSocket writes each frame in a single call, so a ping never lands inside a frame.
/// </summary>
public sealed class HeartbeatStream(Stream inner) : DuplexByteStream
{
    /// <summary>A server ping: FIN + opcode 0x9, unmasked, empty payload (RFC 6455 §5.5.2).</summary>
    private static readonly byte[] PingFrame = [0x89, 0x00];

    /// <summary>A corked batch is written out early once it holds this much, so a big backlog does not sit in memory twice.</summary>
    private const int MaxCorkedBytes = 64 * 1024;

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    /// <summary>
    /// The batch held back while corked, in an array rented for the batch and given back once it is written: a quiet
    /// connection holds no buffer between batches (a kept one was a MemoryStream and its array, ~160 bytes each).
    /// </summary>
    private byte[]? _corked;
    private int _corkedLength;
    private readonly IInboundClock? _innerClock = inner as IInboundClock;
    private bool _isCorked;
    private long _lastInboundTick = Environment.TickCount64;

    /// <summary>When the peer last sent a byte, on the <see cref="Environment.TickCount64"/> clock.</summary>
    public long LastInboundTick => _innerClock?.LastInboundTick ?? Interlocked.Read(ref _lastInboundTick);

    public async Task WritePingAsync(CancellationToken ct = default)
    {
        await WriteAsync(PingFrame, ct).ConfigureAwait(false);
        if (!_isCorked) await inner.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Holds every write back until <see cref="UncorkAsync"/> (TCP_CORK for frames): a connection writing a batch
    /// of queued frames puts them on the wire together, one send instead of one per frame.
    /// </summary>
    public async Task CorkAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        _isCorked = true;
        _writeLock.Release();
    }

    /// <summary>Writes out everything held since <see cref="CorkAsync"/> in one write and stops holding writes back.</summary>
    public async Task UncorkAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _isCorked = false;
            await WriteCorkedAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WriteCorkedAsync(CancellationToken ct)
    {
        if (_corked is not { } held) return;
        int length = _corkedLength;
        _corked = null;
        _corkedLength = 0;
        try
        {
            // The streams under a WebSocket copy what they are given before the write completes.
            await inner.WriteAsync(held.AsMemory(0, length), ct).ConfigureAwait(false);
            await inner.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(held);
        }
    }

    private void Hold(ReadOnlySpan<byte> bytes)
    {
        if (_corked is null || _corked.Length - _corkedLength < bytes.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_corkedLength + bytes.Length, 1024));
            if (_corked is { } smaller)
            {
                smaller.AsSpan(0, _corkedLength).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(smaller);
            }
            _corked = larger;
        }
        bytes.CopyTo(_corked.AsSpan(_corkedLength));
        _corkedLength += bytes.Length;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        _innerClock is not null ? inner.ReadAsync(buffer, ct) : ReadNotingInboundAsync(buffer, ct);

    // Pooled: the socket's receive loop reads one frame at a time, every frame, so the read's state machine is reused
    // instead of allocated per read (the WebSocket awaits each read once, as pooling requires).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReadNotingInboundAsync(Memory<byte> buffer, CancellationToken ct)
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
            if (!_isCorked)
            {
                await inner.WriteAsync(buffer, ct).ConfigureAwait(false);
                return;
            }
            Hold(buffer.Span);
            if (_corkedLength >= MaxCorkedBytes) await WriteCorkedAsync(ct).ConfigureAwait(false);
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

    // While corked, a flush waits for the uncork: the batch goes out as one write.
    public override Task FlushAsync(CancellationToken ct) => _isCorked ? Task.CompletedTask : inner.FlushAsync(ct);

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
