using System.Collections.Concurrent;
using System.Diagnostics;

namespace CollabLoad.Metrics;

/// <summary>
/// Remote-delivery latency: when an editor sends an op (src, seq) it is registered with the time of its first local
/// edit and the number of other editors on the document; each of them that applies it records edit → seen.
/// Entries leave when everyone has seen them, or are swept when stale (an editor that left).
/// </summary>
public sealed class DeliveryTracker
{
    private readonly ConcurrentDictionary<(string Src, long Seq), Entry> _ops = new();

    public int Outstanding => _ops.Count;

    public void Register(string src, long seq, long firstEditTimestamp, int receivers)
    {
        if (receivers <= 0) return;
        _ops[(src, seq)] = new Entry(firstEditTimestamp, receivers);
    }

    /// <summary>Returns the op's first-edit timestamp the first time each receiver sees it, or null if unknown.</summary>
    public long? Seen(string? src, long seq)
    {
        if (src is null || !_ops.TryGetValue((src, seq), out Entry? entry)) return null;
        if (Interlocked.Decrement(ref entry.Remaining) <= 0) _ops.TryRemove((src, seq), out _);
        return entry.FirstEditTimestamp;
    }

    /// <summary>Drops entries older than <paramref name="age"/>; returns how many.</summary>
    public int Sweep(TimeSpan age)
    {
        long cutoff = Stopwatch.GetTimestamp() - (long)(age.TotalSeconds * Stopwatch.Frequency);
        int removed = 0;
        foreach (var pair in _ops)
            if (pair.Value.FirstEditTimestamp < cutoff && _ops.TryRemove(pair.Key, out _)) removed++;
        return removed;
    }

    private sealed class Entry(long firstEditTimestamp, int remaining)
    {
        public readonly long FirstEditTimestamp = firstEditTimestamp;
        public int Remaining = remaining;
    }
}
