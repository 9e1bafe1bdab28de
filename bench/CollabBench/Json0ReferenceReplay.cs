using System.Diagnostics;
using System.Text.Json;

namespace CollabBench;

/// <summary>What reference-json0/replay.js (ot-json0 1.1.0 in Node) measured for a json0 workload.</summary>
internal sealed record Json0ReferenceResult(double MedianMs, double MinMs, double MaxMs, int Runs, bool MatchesEnd, string NodeVersion);

/// <summary>Runs reference-json0/replay.js in Node on a workload file and reads the timing it prints.</summary>
internal static class Json0ReferenceReplay
{
    public const string Folder = "bench/CollabBench/reference-json0";
    public const string InstallCommand = "npm ci --prefix " + Folder;

    /// <summary>The reference folder, or null with the reason when it is missing or not installed.</summary>
    public static string? Locate(out string? problem)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string folder = Path.Combine(dir.FullName, Folder);
                if (!File.Exists(Path.Combine(folder, "replay.js"))) continue;
                if (!Directory.Exists(Path.Combine(folder, "node_modules", "ot-json0")))
                {
                    problem = $"the json0 reference's node_modules is missing: run `{InstallCommand}` in the repository root";
                    return null;
                }
                problem = null;
                return folder;
            }
        }
        problem = $"{Folder}/replay.js not found above {Directory.GetCurrentDirectory()}: run from the repository";
        return null;
    }

    public static Json0ReferenceResult Run(string folder, string workloadPath, int runs, int warmup)
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
            throw new InvalidOperationException($"node reference-json0/replay.js failed ({node.ExitCode}): {stderr.Result.Trim()}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var r = json.RootElement;
        return new Json0ReferenceResult(
            r.GetProperty("medianMs").GetDouble(),
            r.GetProperty("minMs").GetDouble(),
            r.GetProperty("maxMs").GetDouble(),
            r.GetProperty("runsMs").GetArrayLength(),
            r.GetProperty("matchesEnd").GetBoolean(),
            r.GetProperty("node").GetString()!);
    }
}
