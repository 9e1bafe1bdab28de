using System.Diagnostics;
using System.Text.Json;

namespace CollabHost.Tests.Support;

/// <summary>Runs a Node script of this repository to completion and returns its last stdout line as JSON (throws with stderr on failure).</summary>
internal static class NodeScript
{
    public static async Task<JsonElement> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        string packageFolder = Path.GetDirectoryName(script)!;
        if (!Directory.Exists(Path.Combine(packageFolder, "node_modules")))
            throw new InvalidOperationException($"Run `npm ci` in {packageFolder} first (./test.sh does).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = packageFolder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (string a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        using var cts = new CancellationTokenSource(timeout);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"node {script} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        string lastLine = (await stdout).TrimEnd().Split('\n')[^1];
        return JsonDocument.Parse(lastLine).RootElement.Clone();
    }
}
