using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

public class OutboundQueueTests
{
    private static OutboundFrame Frame(int size) => new(new byte[size], false, false);

    [Fact]
    public void Refuses_a_frame_past_the_frame_bound()
    {
        var queue = new OutboundQueue(maxFrames: 2, maxBytes: 1000);
        Assert.True(queue.TryAdd(Frame(1)));
        Assert.True(queue.TryAdd(Frame(1)));
        Assert.False(queue.TryAdd(Frame(1)));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void Refuses_a_frame_past_the_byte_bound()
    {
        var queue = new OutboundQueue(maxFrames: 100, maxBytes: 10);
        Assert.True(queue.TryAdd(Frame(6)));
        Assert.False(queue.TryAdd(Frame(5)));
        Assert.Equal(6, queue.Bytes);
    }

    [Fact]
    public void A_newer_frame_with_the_same_key_replaces_the_unsent_one_in_its_place()
    {
        var queue = new OutboundQueue(maxFrames: 10, maxBytes: 1000);
        queue.TryAdd(Frame(1), "alice");
        queue.TryAdd(Frame(2));
        queue.TryAdd(Frame(3), "alice");
        queue.TryAdd(Frame(4), "bob");

        OutboundFrame[] drained = queue.DrainAll();

        Assert.Equal([3, 2, 4], drained.Select(f => f.Bytes.Length));
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.Bytes);
    }

    [Fact]
    public void Keys_start_afresh_after_a_drain()
    {
        var queue = new OutboundQueue(maxFrames: 10, maxBytes: 1000);
        queue.TryAdd(Frame(1), "alice");
        queue.DrainAll();
        queue.TryAdd(Frame(2), "alice");
        Assert.Equal([2], queue.DrainAll().Select(f => f.Bytes.Length));
    }
}
