using System.Diagnostics;

namespace CollabBench;

/// <summary>Timings and allocation of replaying one trace through our engine, over several runs.</summary>
internal sealed record EngineMeasurement(double[] RunsMs, long AllocatedBytesPerRun, bool MatchesEndContent)
{
    public double MedianMs => Median(RunsMs);
    public double MinMs => RunsMs.Min();
    public double MaxMs => RunsMs.Max();

    /// <summary>
    /// Replays <paramref name="warmup"/> times untimed (so tiered JIT settles), then <paramref name="runs"/> times
    /// timed, a full GC before each; every run's result is compared with endContent outside the timed part.
    /// </summary>
    public static EngineMeasurement Measure(EditingTrace trace, int runs, int warmup)
    {
        bool matches = true;
        for (int i = 0; i < warmup; i++) matches &= TraceReplay.Replay(trace).ToString() == trace.EndContent;
        var times = new double[runs];
        long allocated = 0;
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long before = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            var doc = TraceReplay.Replay(trace);
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            matches &= doc.ToString() == trace.EndContent;
        }
        return new EngineMeasurement(times, allocated, matches);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
