using System.Diagnostics;

namespace CollabLoad.Metrics;

/// <summary>Per-second counters over the run (edits, sent and acknowledged ops, remote deliveries, errors), for the throughput chart.</summary>
public sealed class ThroughputTimeline
{
    public const int MaxSeconds = 24 * 3600;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly long[] _edits = new long[MaxSeconds];
    private readonly long[] _sent = new long[MaxSeconds];
    private readonly long[] _acked = new long[MaxSeconds];
    private readonly long[] _delivered = new long[MaxSeconds];
    private readonly long[] _errors = new long[MaxSeconds];

    public int SecondNow => (int)Math.Min(MaxSeconds - 1, Stopwatch.GetElapsedTime(_start).TotalSeconds);

    public void Edit() => Interlocked.Increment(ref _edits[SecondNow]);
    public void Sent() => Interlocked.Increment(ref _sent[SecondNow]);
    public void Acked() => Interlocked.Increment(ref _acked[SecondNow]);
    public void Delivered() => Interlocked.Increment(ref _delivered[SecondNow]);
    public void Error() => Interlocked.Increment(ref _errors[SecondNow]);

    /// <summary>The complete seconds so far, oldest first.</summary>
    public IReadOnlyList<TimelineSecond> Completed()
    {
        int upTo = SecondNow;
        var list = new List<TimelineSecond>(upTo);
        for (int s = 0; s < upTo; s++)
            list.Add(new TimelineSecond(s, Interlocked.Read(ref _edits[s]), Interlocked.Read(ref _sent[s]), Interlocked.Read(ref _acked[s]),
                Interlocked.Read(ref _delivered[s]), Interlocked.Read(ref _errors[s])));
        return list;
    }
}

/// <summary>One second of the run.</summary>
public sealed record TimelineSecond(int Second, long Edits, long Sent, long Acked, long Delivered, long Errors);
