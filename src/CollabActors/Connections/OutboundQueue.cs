namespace CollabActors.Connections;

/// <summary>A connection's frames waiting to be written, bounded by count and bytes.</summary>
internal sealed class OutboundQueue(int maxFrames, long maxBytes)
{
    private readonly Queue<OutboundFrame> _frames = new();

    public int Count => _frames.Count;

    public long Bytes { get; private set; }

    /// <summary>Adds a frame; false when that would pass either bound (the consumer is too slow).</summary>
    public bool TryAdd(OutboundFrame frame)
    {
        if (_frames.Count >= maxFrames || Bytes + frame.Bytes.Length > maxBytes) return false;
        _frames.Enqueue(frame);
        Bytes += frame.Bytes.Length;
        return true;
    }

    public OutboundFrame[] DrainAll()
    {
        OutboundFrame[] all = _frames.ToArray();
        Clear();
        return all;
    }

    public void Clear()
    {
        _frames.Clear();
        Bytes = 0;
    }
}
