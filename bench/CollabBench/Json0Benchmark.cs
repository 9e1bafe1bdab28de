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
        string expected = end.ToJson();
        Console.WriteLine();
        Console.WriteLine($"json0 workload: {workload.Entries.Count:N0} ops by 2 concurrent agents on a task board (seed {Seed}), " +
                          $"{expected.Length:N0} chars of JSON at the end");
        var engine = WorkloadMeasurement.Measure(() => workload.Replay(), doc => doc.ToJson(), expected, runs, warmup);
        // The same ops through the immutable apply (a new value per op), which a caller without a document uses.
        var immutable = WorkloadMeasurement.Measure(() => workload.Replay(ownedDocument: false), doc => doc.ToJson(), expected, runs, warmup);
        return WorkloadReport.Print("Json0Document", "ot-json0 1.1.0", workload.Entries.Count, engine, runs, warmup,
            ("Json0Type.Apply", immutable),
            referenceFolder, workload.ToJson(end), referenceRuns, referenceWarmup);
    }
}
