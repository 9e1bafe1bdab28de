using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CollabDurabilityBench;

/// <summary>The built CollabHost as a child process on a free port with its own data folder, and its resident memory.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The host's process id, for its CPU time in /proc.</summary>
    public int Pid => _process.Id;

    public Uri Http => new($"http://127.0.0.1:{Port}/");

    public Uri WebSocket => new($"ws://127.0.0.1:{Port}/ws");

    public static string HostDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CollabSuite.sln"))) dir = dir.Parent;
        // The host built in the caller's own configuration (a test run in Debug starts the Debug host).
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string dll = Path.Combine(dir?.FullName ?? ".", "src", "CollabHost", "bin", configuration, "net10.0", "CollabHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build it first: dotnet build src/CollabHost -c {configuration}", dll);
    }

    public static async Task<HostProcess> StartAsync(string dataDir, params string[] settings)
    {
        // Remoting on a port of its own: left at 0, the OS may hand it the HTTP port just freed.
        int[] ports = FreeLoopbackPorts.Take(2);
        int port = ports[0];
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        // COLLAB_BENCH_GC_SERVER=0 runs the host with workstation GC (heap and RSS follow live memory more closely).
        if (Environment.GetEnvironmentVariable("COLLAB_BENCH_GC_SERVER") is { Length: > 0 } gcServer) start.Environment["DOTNET_gcServer"] = gcServer;
        foreach (string arg in (string[])[HostDll(), "--urls", $"http://127.0.0.1:{port}", $"--Collab:DataDir={dataDir}",
                     $"--Collab:Cluster:Port={ports[1]}", "--Logging:LogLevel:Default=Warning", .. settings])
            start.ArgumentList.Add(arg);
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process, port);
        process.OutputDataReceived += (_, e) => { lock (host._output) host._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (host._output) host._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = host.Http, Timeout = TimeSpan.FromSeconds(5) };
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException("CollabHost exited:\n" + host._output);
            try
            {
                if ((await http.GetAsync("api/docs/warmup/warmup")).StatusCode == HttpStatusCode.NotFound) return host;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not up yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("CollabHost did not start:\n" + host._output);
            await Task.Delay(100);
        }
    }

    /// <summary>VmRSS of the host process, in MiB (Linux /proc).</summary>
    public double ResidentMiB()
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    /// <summary>A gauge or counter from /metrics (the first sample line of that name).</summary>
    public async Task<double> MetricAsync(string name)
    {
        using var http = new HttpClient { BaseAddress = Http };
        string text = await http.GetStringAsync("metrics");
        string line = text.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Stops the host the way Ctrl+C does (SIGTERM: hand-off, last snapshots).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()]).WaitForExit();
        if (!_process.WaitForExit(30_000)) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
