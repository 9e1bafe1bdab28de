using System.Diagnostics;

namespace CollabBench;

/// <summary>Timings and allocation of replaying a seeded workload through our engine, over several runs.</summary>
internal sealed record WorkloadMeasurement(double MedianMs, double MinMs, double MaxMs, long AllocatedBytesPerRun, bool EveryRunMatches, int WarmupRuns)
{
    // Tiered JIT recompiles hot methods only after they have run for a while (a 100 ms delay, then a background
    // compile): a workload of 20 ms a run needs more than a handful of warm-up runs, or the first timed runs are
    // partly unoptimized code.
    private static readonly TimeSpan MinimumWarmup = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Replays at least <paramref name="warmup"/> times and for at least a second untimed (so tiered JIT settles), then <paramref name="runs"/> times
    /// timed, a full GC before each; every run's result, printed by <paramref name="toJson"/> outside the timed part,
    /// must equal <paramref name="expected"/>.
    /// </summary>
    public static WorkloadMeasurement Measure<TDocument>(Func<TDocument> replay, Func<TDocument, string> toJson, string expected, int runs, int warmup)
    {
        bool matches = true;
        int warmupRuns = 0;
        long warmupStarted = Stopwatch.GetTimestamp();
        while (warmupRuns < warmup || Stopwatch.GetElapsedTime(warmupStarted) < MinimumWarmup)
        {
            matches &= toJson(replay()) == expected;
            warmupRuns++;
        }
        var times = new double[runs];
        long allocated = 0;
        for (int i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long before = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            TDocument doc = replay();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            matches &= toJson(doc) == expected;
        }
        Array.Sort(times);
        double median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
        return new WorkloadMeasurement(median, times[0], times[^1], allocated, matches, warmupRuns);
    }
}
