using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CollabDurabilityBench;

namespace CollabHost.Tests.Support;

/// <summary>
/// The built CollabHost as a child process (<c>dotnet CollabHost.dll --urls ... --Collab:DataDir=...</c>), to be
/// killed with SIGKILL and started again on the same port and data.
/// </summary>
public sealed class HostProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output;

    private HostProcess(Process process, StringBuilder output, int port)
    {
        _process = process;
        _output = output;
        Port = port;
    }

    public int Port { get; }

    public Uri Http => new($"http://127.0.0.1:{Port}/");

    public Uri WebSocket => new($"ws://127.0.0.1:{Port}/ws");

    /// <summary>What the process printed so far (for failure messages).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>CollabHost.dll as the solution builds it (src/CollabHost/bin/{Release|Debug}/net10.0).</summary>
    public static string HostDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CollabSuite.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("CollabSuite.sln not found above " + AppContext.BaseDirectory);
        string configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        string dll = Path.Combine(dir.FullName, "src", "CollabHost", "bin", configuration, "net10.0", "CollabHost.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build CollabHost first (dotnet build src/CollabHost -c {configuration}).", dll);
    }

    public static int FreePort() => FreePorts(1)[0];

    /// <summary><paramref name="count"/> distinct free ports on 127.0.0.1.</summary>
    public static int[] FreePorts(int count) => FreeLoopbackPorts.Take(count);

    /// <summary>Starts the host and returns once a document answers over HTTP (the one-node cluster has formed).</summary>
    public static async Task<HostProcess> StartAsync(int port, JournalStore store, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Remoting on a port of its own: left at 0, the OS may hand it the HTTP port just freed by FreePort, and
        // Kestrel then cannot bind. FreePort never hands out a port twice in this process.
        foreach (string arg in (string[])[HostDll(), "--urls", $"http://127.0.0.1:{port}", .. store.HostArguments(),
                     $"--Collab:Cluster:Port={FreePort()}", "--Logging:LogLevel:Default=Warning", .. settings])
            start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, output, port);
        try
        {
            await host.WaitUntilServingAsync();
        }
        catch
        {
            host.Kill();
            throw;
        }
        return host;
    }

    private async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient { BaseAddress = Http, Timeout = TimeSpan.FromSeconds(5) };
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"CollabHost exited with {_process.ExitCode}:\n{Output}");
            try
            {
                // 404 means the document actor answered: sharding and the journal are up.
                if ((await http.GetAsync("api/docs/warmup/warmup")).StatusCode == HttpStatusCode.NotFound) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"CollabHost did not start within {StartTimeout}:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown hook, no hand-off, no last snapshot.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
