using CollabLoad.Metrics;

namespace CollabLoad.Tests.Metrics;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void An_empty_histogram_reports_zero()
    {
        var h = new LatencyHistogram();
        Assert.Equal(0, h.PercentileMicros(99));
        Assert.Equal(0, h.Count);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var h = new LatencyHistogram();
        for (int v = 1; v <= 50; v++) h.RecordMicros(v);
        Assert.Equal(25, h.PercentileMicros(50));
        Assert.Equal(50, h.PercentileMicros(100));
        Assert.Equal(50, h.MaxMicros);
    }

    [Fact]
    public void Percentiles_are_within_the_bucket_precision_and_never_under_report()
    {
        var random = new Random(7);
        var h = new LatencyHistogram();
        var values = new List<long>();
        for (int i = 0; i < 100_000; i++)
        {
            long v = (long)Math.Exp(random.NextDouble() * Math.Log(10_000_000));
            values.Add(v);
            h.RecordMicros(v);
        }
        values.Sort();
        foreach (double p in new[] { 50, 90, 95, 99, 99.9 })
        {
            long exact = values[(int)Math.Ceiling(p / 100 * values.Count) - 1];
            long reported = h.PercentileMicros(p);
            Assert.True(reported >= exact, $"p{p}: reported {reported} < exact {exact}");
            Assert.True(reported <= exact * 1.04 + 1, $"p{p}: reported {reported} more than 4% over exact {exact}");
        }
        Assert.Equal(values[^1], h.MaxMicros);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(1_000_000)]
    [InlineData(3_600_000_000)]
    public void Every_value_falls_in_a_bucket_whose_upper_edge_is_at_or_above_it(long micros)
    {
        int bucket = LatencyHistogram.BucketOf(micros);
        Assert.True(LatencyHistogram.UpperEdge(bucket) >= micros);
        Assert.True(bucket == 0 || LatencyHistogram.UpperEdge(bucket - 1) < micros);
    }

    [Fact]
    public void Concurrent_recording_loses_no_counts()
    {
        var h = new LatencyHistogram();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++) h.RecordMicros(i % 5000);
        });
        Assert.Equal(80_000, h.Count);
        Assert.Equal(80_000, h.Buckets().Sum(b => b.Count));
    }

    [Fact]
    public void A_percentile_outside_0_to_100_is_refused()
    {
        var h = new LatencyHistogram();
        Assert.Throws<ArgumentOutOfRangeException>(() => h.PercentileMicros(101));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.PercentileMicros(-1));
    }
}
