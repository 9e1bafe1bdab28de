using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CollabClient.Tests.Support;

/// <summary>
/// The stock ShareDB 7 server of bench/peers/sharedb-server (in memory, ot-text-unicode and rich-text), started as a Node process on
/// a free port for the duration of a test class.
/// </summary>
public sealed partial class StockShareDbServer : IProtocolServer, IAsyncDisposable
{
    private readonly Process _process;

    private StockShareDbServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public string Name => "stock ShareDB";

    public int Port { get; }

    public Uri Url => new($"ws://127.0.0.1:{Port}/");

    public int ProcessId => _process.Id;

    public static async Task<StockShareDbServer> StartAsync()
    {
        string folder = RepositoryPaths.Combine("bench", "peers", "sharedb-server");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
            throw new InvalidOperationException($"Run `npm ci` in {folder} first (./test.sh does).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("server.js");
        start.ArgumentList.Add("0");
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                Match m = ListeningLine().Match(line);
                if (!m.Success) continue;
                // Keep draining stdout so the server never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                return new StockShareDbServer(process, int.Parse(m.Groups[1].Value));
            }
            throw new InvalidOperationException("The ShareDB server exited before listening.");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (\d+)")]
    private static partial Regex ListeningLine();
}
