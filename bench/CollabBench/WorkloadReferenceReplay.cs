using System.Diagnostics;
using System.Text.Json;

namespace CollabBench;

/// <summary>What a reference replay.js (a reference OT package in Node) measured for a workload.</summary>
internal sealed record WorkloadReferenceResult(double MedianMs, double MinMs, double MaxMs, int Runs, bool MatchesEnd, string NodeVersion);

/// <summary>
/// A reference package in Node for a seeded workload: its folder (with replay.js, package.json and package-lock.json)
/// and the npm package its replay needs.
/// </summary>
internal sealed record WorkloadReference(string Folder, string Package)
{
    public static readonly WorkloadReference Json0 = new("bench/CollabBench/reference-json0", "ot-json0");
    public static readonly WorkloadReference RichText = new("bench/CollabBench/reference-rich-text", "rich-text");

    public string InstallCommand => "npm ci --prefix " + Folder;
}

/// <summary>Runs a reference folder's replay.js in Node on a workload file and reads the timing it prints.</summary>
internal static class WorkloadReferenceReplay
{
    /// <summary>The reference folder, or null with the reason when it is missing or not installed.</summary>
    public static string? Locate(WorkloadReference reference, out string? problem)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string folder = Path.Combine(dir.FullName, reference.Folder);
                if (!File.Exists(Path.Combine(folder, "replay.js"))) continue;
                if (!Directory.Exists(Path.Combine(folder, "node_modules", reference.Package)))
                {
                    problem = $"{reference.Package}'s node_modules is missing: run `{reference.InstallCommand}` in the repository root";
                    return null;
                }
                problem = null;
                return folder;
            }
        }
        problem = $"{reference.Folder}/replay.js not found above {Directory.GetCurrentDirectory()}: run from the repository";
        return null;
    }

    public static WorkloadReferenceResult Run(string folder, string workloadPath, int runs, int warmup)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "replay.js", Path.GetFullPath(workloadPath), "--runs", runs.ToString(), "--warmup", warmup.ToString() })
            start.ArgumentList.Add(arg);
        using var node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stderr = node.StandardError.ReadToEndAsync();
        string stdout = node.StandardOutput.ReadToEnd();
        node.WaitForExit();
        if (node.ExitCode != 0)
            throw new InvalidOperationException($"node {folder}/replay.js failed ({node.ExitCode}): {stderr.Result.Trim()}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        return new WorkloadReferenceResult(
            r.GetProperty("medianMs").GetDouble(),
            r.GetProperty("minMs").GetDouble(),
            r.GetProperty("maxMs").GetDouble(),
            r.GetProperty("runsMs").GetArrayLength(),
            r.GetProperty("matchesEnd").GetBoolean(),
            r.GetProperty("node").GetString()!);
    }
}
