namespace CollabLoad.Metrics;

/// <summary>
/// A log-bucketed latency histogram in the spirit of HdrHistogram: values in microseconds, exact below 64 µs and
/// within 1/32 (about 3%) above, from 1 µs to over an hour, in a fixed array of counters. Recording is lock-free
/// and thread-safe; percentiles report the upper edge of the bucket they fall in (never under-report).
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 5;                 // 32 sub-buckets per power of two → ≤ 3.2% error
    private const int SubBuckets = 1 << SubBucketBits;
    private const int LinearLimit = SubBuckets * 2;      // values below this are their own bucket
    private const int Exponents = 40;                    // up to 2^45 µs
    private readonly long[] _counts = new long[LinearLimit + Exponents * SubBuckets];
    private long _count;
    private long _sum;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long MaxMicros => Interlocked.Read(ref _max);

    public double MeanMicros => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void RecordMicros(long micros)
    {
        if (micros < 0) micros = 0;
        Interlocked.Increment(ref _counts[BucketOf(micros)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, micros);
        long max;
        while (micros > (max = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, micros, max) != max) { }
    }

    /// <summary>Records the time between two <see cref="System.Diagnostics.Stopwatch"/> timestamps.</summary>
    public void RecordTicks(long fromTimestamp, long toTimestamp) =>
        RecordMicros((toTimestamp - fromTimestamp) * 1_000_000 / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>The value at or below which <paramref name="percentile"/>% of recorded values fall (0 when empty).</summary>
    public long PercentileMicros(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        long total = Count;
        if (total == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank) return Math.Min(UpperEdge(i), MaxMicros);
        }
        return MaxMicros;
    }

    /// <summary>Non-empty buckets as (upper edge in µs, count), in order, for charts.</summary>
    public IReadOnlyList<(long UpperMicros, long Count)> Buckets()
    {
        var list = new List<(long, long)>();
        for (int i = 0; i < _counts.Length; i++)
        {
            long c = Interlocked.Read(ref _counts[i]);
            if (c > 0) list.Add((UpperEdge(i), c));
        }
        return list;
    }

    internal static int BucketOf(long micros)
    {
        if (micros < LinearLimit) return (int)micros;
        int log2 = 63 - (int)long.LeadingZeroCount(micros);          // ≥ SubBucketBits + 1
        int shift = log2 - SubBucketBits;                        // ≥ 1
        int exponent = Math.Min(shift - 1, Exponents - 1);
        long sub = Math.Min((micros >> shift) - SubBuckets, SubBuckets - 1);  // 32..63 → 0..31
        return LinearLimit + exponent * SubBuckets + (int)sub;
    }

    internal static long UpperEdge(int bucket)
    {
        if (bucket < LinearLimit) return bucket;
        int exponent = (bucket - LinearLimit) / SubBuckets;
        int sub = (bucket - LinearLimit) % SubBuckets;
        int shift = exponent + 1;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}
