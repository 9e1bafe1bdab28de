namespace CollabBench;

/// <summary>Prints a workload's measurement, runs its reference on the same workload and prints that and the ratio.</summary>
internal static class WorkloadReport
{
    /// <summary>Returns false, after saying so on stderr, when a replay of either engine did not end at the expected document.</summary>
    public static bool Print(string engineName, string referenceName, int ops, WorkloadMeasurement engine, int runs, int warmup,
        (string Name, WorkloadMeasurement Measurement) alternative, string? referenceFolder, string workloadJson, int referenceRuns, int referenceWarmup)
    {
        Console.WriteLine($"  {engineName,-25} median {engine.MedianMs,9:F2} ms  min {engine.MinMs:F2}  max {engine.MaxMs:F2}  ({runs} runs after {engine.WarmupRuns} warmup)");
        Console.WriteLine($"                            {ops / (engine.MedianMs / 1000) / 1e6:F2} M ops/s, allocated {engine.AllocatedBytesPerRun:N0} bytes per run " +
                          $"({(double)engine.AllocatedBytesPerRun / ops:F0} B/op), " + (engine.EveryRunMatches ? "every run ends at the same document" : "RUNS DIFFER"));
        var other = alternative.Measurement;
        Console.WriteLine($"  through {alternative.Name}: median {other.MedianMs:F2} ms  min {other.MinMs:F2}  max {other.MaxMs:F2}, " +
                          $"allocated {(double)other.AllocatedBytesPerRun / ops:F0} B/op, " + (other.EveryRunMatches ? "same document" : "DIFFERENT DOCUMENT"));
        bool matches = engine.EveryRunMatches && other.EveryRunMatches;
        if (!matches) Console.Error.WriteLine($"error: {engineName}'s runs did not all end at the same document");
        if (referenceFolder is null) return matches;

        // The reference reads the workload, with our end document in it, from a file.
        string path = Path.Combine(Path.GetTempPath(), $"collabbench-{engineName}-{Environment.ProcessId}.json");
        File.WriteAllText(path, workloadJson);
        try
        {
            var reference = WorkloadReferenceReplay.Run(referenceFolder, path, referenceRuns, referenceWarmup);
            Console.WriteLine($"  {referenceName} (node {reference.NodeVersion}) median {reference.MedianMs,9:F2} ms  min {reference.MinMs:F2}  " +
                              $"max {reference.MaxMs:F2}  ({reference.Runs} runs after {referenceWarmup} warmup), " +
                              (reference.MatchesEnd ? "result equals ours" : "RESULT DIFFERS FROM OURS"));
            Console.WriteLine($"  ratio: {engineName} is {reference.MedianMs / engine.MedianMs:F1}x faster than the reference (medians)");
            Console.WriteLine($"         through {alternative.Name}: {reference.MedianMs / other.MedianMs:F1}x faster than the reference (medians)");
            if (!reference.MatchesEnd) Console.Error.WriteLine($"error: {referenceName} ended at a different document than {engineName}");
            return matches && reference.MatchesEnd;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
