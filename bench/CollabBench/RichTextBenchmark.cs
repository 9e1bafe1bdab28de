namespace CollabBench;

/// <summary>
/// The rich-text workload: generates the seeded two-agent session (<see cref="RichTextWorkload"/>), replays it through
/// CollabText.RichText (timed, several runs) and, in the same run, through rich-text 4.1.0 in Node, and prints both.
/// </summary>
internal static class RichTextBenchmark
{
    public const int Seed = 20261205;

    /// <summary>Returns false if either replay did not end at the expected document.</summary>
    public static bool Run(int ops, int runs, int warmup, int referenceRuns, int referenceWarmup, string? referenceFolder)
    {
        var workload = RichTextWorkload.Generate(Seed, ops);
        var end = workload.Replay();
        string expected = end.ToJson();
        Console.WriteLine();
        Console.WriteLine($"rich-text workload: {workload.Entries.Count:N0} ops by 2 concurrent agents writing a formatted document " +
                          $"(seed {Seed}), {end.Length:N0} units in {end.Count:N0} ops at the end");
        var engine = WorkloadMeasurement.Measure(() => workload.Replay(), doc => doc.ToJson(), expected, runs, warmup);
        // The same ops through the immutable apply (a new value per op), which a caller without a document uses.
        var immutable = WorkloadMeasurement.Measure(() => workload.Replay(ownedDocument: false), doc => doc.ToJson(), expected, runs, warmup);
        return WorkloadReport.Print("RichTextDocument", "rich-text 4.1.0", workload.Entries.Count, engine, runs, warmup,
            ("RichTextType.Apply", immutable),
            referenceFolder, workload.ToJson(end), referenceRuns, referenceWarmup);
    }
}
