using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CollabActors.Connections;

namespace CollabHost.DirectWebSockets;

/// <summary>
/// A Kestrel connection's transport (<see cref="IDuplexPipe"/>) as the one <see cref="Stream"/> a WebSocket reads and
/// writes: reads take from its input, writes go to its output (each flushed, as the WebSocket expects of a stream). It
/// notes when the peer last sent a byte itself (<see cref="IInboundClock"/>), so the <see cref="HeartbeatStream"/> over
/// it needs no read of its own. It leaves the pipes open when disposed: they are Kestrel's, and Kestrel completes them
/// when the connection ends.
/// </summary>
public sealed class DuplexPipeStream(IDuplexPipe transport) : DuplexByteStream, IInboundClock
{
    private readonly PipeReader _input = transport.Input;
    private readonly Stream _output = transport.Output.AsStream(leaveOpen: true);
    private long _lastInboundTick = Environment.TickCount64;

    public long LastInboundTick => Interlocked.Read(ref _lastInboundTick);

    /// <summary>
    /// Copies what the pipe holds, up to <paramref name="buffer"/>'s length; a read into an empty buffer waits for bytes
    /// and takes none. Pooled, as the socket reads all the time: the state machine is reused, not allocated per read.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        // Each pass but the last waits for new bytes (all earlier ones were examined): an empty read that is neither
        // the end nor a cancel does not happen with Kestrel's pipes, and would only wait again.
        while (true)
        {
            ReadResult result = await _input.ReadAsync(ct).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer;
            if (result.IsCanceled)
            {
                _input.AdvanceTo(data.Start);
                throw new OperationCanceledException("The read was cancelled.");
            }
            if (data.IsEmpty)
            {
                _input.AdvanceTo(data.End);
                if (result.IsCompleted) return 0;
                continue;
            }
            Interlocked.Exchange(ref _lastInboundTick, Environment.TickCount64);
            int count = (int)Math.Min(buffer.Length, data.Length);
            data.Slice(0, count).CopyTo(buffer.Span);
            // Nothing taken (a zero-byte read) leaves the bytes unexamined, so the next read has them at once.
            _input.AdvanceTo(data.GetPosition(count));
            return count;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => _output.WriteAsync(buffer, ct);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => _output.WriteAsync(buffer, offset, count, ct);

    public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken ct) => _output.FlushAsync(ct);

    public override void Flush() => _output.Flush();
}
