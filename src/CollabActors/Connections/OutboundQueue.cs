namespace CollabActors.Connections;

/// <summary>
/// A connection's frames waiting to be written, bounded by count and bytes. A frame may carry a coalescing key (one
/// editor's presence on one channel): a newer frame with the same key replaces the unsent older one in its place, so a
/// backed-up connection in a busy room holds at most one presence frame per editor.
/// </summary>
internal sealed class OutboundQueue(int maxFrames, long maxBytes)
{
    private readonly List<OutboundFrame?> _frames = new();
    /// <summary>Where each coalescing key's frame waits; made at the first keyed frame (presence), which most connections never queue.</summary>
    private Dictionary<string, int>? _keyed;
    private int _count;

    public int Count => _count;

    public long Bytes { get; private set; }

    /// <summary>Adds a frame; false when that would pass either bound (the consumer is too slow) with frames already waiting.</summary>
    public bool TryAdd(OutboundFrame frame, string? coalescingKey = null)
    {
        if (coalescingKey is not null && _keyed is not null && _keyed.TryGetValue(coalescingKey, out int at) && _frames[at] is { } older)
        {
            if (Bytes - older.Bytes.Length + frame.Bytes.Length > maxBytes) return false;
            Bytes += frame.Bytes.Length - older.Bytes.Length;
            _frames[at] = frame;
            return true;
        }
        // An empty queue takes any frame: one snapshot of a large document may alone pass the byte bound, and that
        // is no sign of a slow consumer (which is frames piling up).
        if (_count > 0 && (_count >= maxFrames || Bytes + frame.Bytes.Length > maxBytes)) return false;
        if (coalescingKey is not null) (_keyed ??= new Dictionary<string, int>())[coalescingKey] = _frames.Count;
        _frames.Add(frame);
        _count++;
        Bytes += frame.Bytes.Length;
        return true;
    }

    public OutboundFrame[] DrainAll()
    {
        var all = new OutboundFrame[_count];
        int i = 0;
        foreach (OutboundFrame? frame in _frames)
        {
            if (frame is { } f) all[i++] = f;
        }
        Clear();
        return all;
    }

    public void Clear()
    {
        _frames.Clear();
        _keyed?.Clear();
        _count = 0;
        Bytes = 0;
    }
}
