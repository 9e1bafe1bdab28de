using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

/// <summary>The stream under every WebSocket: corked batches go out as one write, in order, and nothing is kept between batches.</summary>
public class HeartbeatStreamTests
{
    /// <summary>What reached the stream below, write by write.</summary>
    private sealed class RecordingStream : DuplexByteStream
    {
        public List<byte[]> Writes { get; } = new();
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }
        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(buffer.AsSpan(offset, count).ToArray());
        public override int Read(byte[] buffer, int offset, int count) => 0;
        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
    }

    private static byte[] Bytes(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(seed + i)).ToArray();

    [Fact]
    public async Task Writes_while_corked_go_out_as_one_write_in_order_when_uncorked()
    {
        var below = new RecordingStream();
        var stream = new HeartbeatStream(below);
        byte[] first = Bytes(10, 1), second = Bytes(3000, 7), third = Bytes(5, 200); // the second outgrows the first array

        await stream.CorkAsync();
        await stream.WriteAsync(first);
        await stream.WriteAsync(second);
        await stream.WriteAsync(third);
        Assert.Empty(below.Writes);
        await stream.UncorkAsync();

        Assert.Equal([.. first, .. second, .. third], Assert.Single(below.Writes));
    }

    [Fact]
    public async Task A_corked_batch_past_64_KiB_is_written_early_and_the_rest_at_the_uncork()
    {
        var below = new RecordingStream();
        var stream = new HeartbeatStream(below);
        byte[] big = Bytes(70 * 1024, 3), tail = Bytes(100, 9);

        await stream.CorkAsync();
        await stream.WriteAsync(big);
        Assert.Equal(big, Assert.Single(below.Writes));
        await stream.WriteAsync(tail);
        await stream.UncorkAsync();

        Assert.Equal(2, below.Writes.Count);
        Assert.Equal(tail, below.Writes[1]);
    }

    [Fact]
    public async Task Each_batch_carries_only_its_own_bytes_and_uncorked_writes_pass_straight_through()
    {
        var below = new RecordingStream();
        var stream = new HeartbeatStream(below);

        await stream.CorkAsync();
        await stream.WriteAsync(Bytes(50, 1));
        await stream.UncorkAsync();
        await stream.CorkAsync();
        await stream.WriteAsync(Bytes(4, 60));
        await stream.UncorkAsync();
        await stream.UncorkAsync(); // nothing held: nothing written
        await stream.WriteAsync(Bytes(2, 90));

        Assert.Equal([Bytes(50, 1), Bytes(4, 60), Bytes(2, 90)], below.Writes);
    }
}
