using System.Diagnostics;

namespace CollabBench;

/// <summary>Timings and allocation of replaying a seeded workload through our engine, over several runs.</summary>
internal sealed record WorkloadMeasurement(double MedianMs, double MinMs, double MaxMs, long AllocatedBytesPerRun, bool EveryRunMatches)
{
    /// <summary>
    /// Replays <paramref name="warmup"/> times untimed (so tiered JIT settles), then <paramref name="runs"/> times
    /// timed, a full GC before each; every run's result, printed by <paramref name="toJson"/> outside the timed part,
    /// must equal <paramref name="expected"/>.
    /// </summary>
    public static WorkloadMeasurement Measure<TDocument>(Func<TDocument> replay, Func<TDocument, string> toJson, string expected, int runs, int warmup)
    {
        bool matches = true;
        for (int i = 0; i < warmup; i++) matches &= toJson(replay()) == expected;
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
        return new WorkloadMeasurement(median, times[0], times[^1], allocated, matches);
    }
}
