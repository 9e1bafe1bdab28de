using System.Diagnostics;

namespace CollabBench;

/// <summary>
/// The json0 workload: generates the seeded two-agent session (<see cref="Json0Workload"/>), replays it through
/// CollabText.Json0 (timed, several runs) and, in the same run, through ot-json0 1.1.0 in Node, and prints both.
/// </summary>
internal static class Json0Benchmark
{
    public const int Seed = 20261204;

    /// <summary>Returns false if either replay did not end at the expected document.</summary>
    public static bool Run(int ops, int runs, int warmup, int referenceRuns, int referenceWarmup, string? referenceFolder)
    {
        var workload = Json0Workload.Generate(Seed, ops);
        var end = workload.Replay();
        string path = Path.Combine(Path.GetTempPath(), $"collabbench-json0-{Environment.ProcessId}.json");
        File.WriteAllText(path, workload.ToJson(end));
        try
        {
            Console.WriteLine();
            Console.WriteLine($"json0 workload: {workload.Entries.Count:N0} ops by 2 concurrent agents on a task board (seed {Seed}), " +
                              $"{end.ToJson().Length:N0} chars of JSON at the end");

            string expected = end.ToJson();
            bool matches = true;
            for (int i = 0; i < warmup; i++) matches &= workload.Replay().ToJson() == expected;
            var times = new double[runs];
            long allocated = 0;
            for (int i = 0; i < runs; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long before = GC.GetAllocatedBytesForCurrentThread();
                long started = Stopwatch.GetTimestamp();
                var doc = workload.Replay();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                matches &= doc.ToJson() == expected;
            }
            Array.Sort(times);
            double median = runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
            Console.WriteLine($"  CollabText.Json0          median {median,9:F2} ms  min {times[0]:F2}  max {times[^1]:F2}  ({runs} runs after {warmup} warmup)");
            Console.WriteLine($"                            {workload.Entries.Count / (median / 1000) / 1e6:F2} M ops/s, allocated {allocated:N0} bytes per run " +
                              $"({(double)allocated / workload.Entries.Count:F0} B/op), " + (matches ? "every run ends at the same document" : "RUNS DIFFER"));

            if (referenceFolder is null) return matches;
            var reference = Json0ReferenceReplay.Run(referenceFolder, path, referenceRuns, referenceWarmup);
            Console.WriteLine($"  ot-json0 1.1.0 (node {reference.NodeVersion}) median {reference.MedianMs,9:F2} ms  min {reference.MinMs:F2}  " +
                              $"max {reference.MaxMs:F2}  ({reference.Runs} runs after {referenceWarmup} warmup), " +
                              (reference.MatchesEnd ? "result equals ours" : "RESULT DIFFERS FROM OURS"));
            Console.WriteLine($"  ratio: CollabText.Json0 is {reference.MedianMs / median:F1}x faster than the reference (medians)");
            return matches && reference.MatchesEnd;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
