using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CollabHost.Tests.Support;

/// <summary>
/// A cluster of built CollabHost processes on 127.0.0.1, each on its own free HTTP and remoting ports, sharing the
/// PostgreSQL journal of a <see cref="JournalStore"/>. Configured through the environment as a deployment would be
/// (<c>Collab__Cluster__Port</c>, <c>Collab__Cluster__SeedNodes__0</c>, ...); the first two nodes are the seeds. A
/// node can be killed (SIGKILL), stopped gracefully (SIGTERM) and started again on the same ports.
/// </summary>
public sealed class ClusterNodes : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly JournalStore _store;
    private readonly string[] _settings;
    private readonly Node[] _nodes;

    private ClusterNodes(JournalStore store, int count, string[] settings)
    {
        _store = store;
        _settings = settings;
        int[] ports = HostProcess.FreePorts(2 * count);
        _nodes = Enumerable.Range(0, count).Select(i => new Node(i, ports[2 * i], ports[2 * i + 1])).ToArray();
    }

    public int Count => _nodes.Length;

    public Uri Http(int node) => new($"http://127.0.0.1:{_nodes[node].HttpPort}/");

    public Uri WebSocket(int node) => new($"ws://127.0.0.1:{_nodes[node].HttpPort}/ws");

    /// <summary>The node's cluster address, as <c>/api/docs/.../node</c> reports it.</summary>
    public string Address(int node) => $"akka.tcp://collab@127.0.0.1:{_nodes[node].RemotingPort}";

    public IEnumerable<Uri> WebSocketsExcept(int node) => Enumerable.Range(0, Count).Where(i => i != node).Select(WebSocket);

    public bool IsRunning(int node) => _nodes[node].Process is { HasExited: false };

    /// <summary>Starts <paramref name="count"/> nodes and returns once every one serves documents.</summary>
    public static async Task<ClusterNodes> StartAsync(JournalStore store, int count, params string[] settings)
    {
        var cluster = new ClusterNodes(store, count, settings);
        try
        {
            for (int i = 0; i < count; i++) cluster.Launch(i);
            for (int i = 0; i < count; i++) await cluster.WaitUntilServingAsync(i);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts a stopped or killed node again on its ports and waits until it serves.</summary>
    public async Task RestartAsync(int node)
    {
        Launch(node);
        await WaitUntilServingAsync(node);
    }

    /// <summary>SIGKILL: no leaving, no hand-off, no last snapshot.</summary>
    public void Kill(int node)
    {
        Process? process = _nodes[node].Process;
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops a node, and waits until the process has exited.</summary>
    public async Task<int> TerminateAsync(int node, TimeSpan within)
    {
        Process process = _nodes[node].Process ?? throw new InvalidOperationException($"node {node} was never started");
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(within);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    /// <summary>The cluster address of the node hosting a document now (it is started if it was not loaded).</summary>
    public async Task<string> HostOfAsync(int askNode, string collection, string id)
    {
        using var http = new HttpClient { BaseAddress = Http(askNode), Timeout = TimeSpan.FromSeconds(60) };
        using JsonDocument json = JsonDocument.Parse(await http.GetStringAsync($"api/docs/{collection}/{id}/node"));
        return json.RootElement.GetProperty("node").GetString()!;
    }

    public int IndexOf(string address) =>
        Array.FindIndex(_nodes, n => Address(n.Index) == address) is var i and >= 0 ? i : throw new ArgumentException($"no node at {address}");

    /// <summary>Everything the nodes printed (for failure messages).</summary>
    public string Output()
    {
        var all = new StringBuilder();
        foreach (Node node in _nodes)
            lock (node.Output)
                all.AppendLine($"---- node {node.Index} (http {node.HttpPort}, remoting {node.RemotingPort})").Append(node.Output);
        return all.ToString();
    }

    private void Launch(int index)
    {
        Node node = _nodes[index];
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])[HostProcess.HostDll(), "--urls", $"http://127.0.0.1:{node.HttpPort}", .. _settings])
            start.ArgumentList.Add(arg);
        start.Environment["Collab__Cluster__Hostname"] = "127.0.0.1";
        start.Environment["Collab__Cluster__Port"] = node.RemotingPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (int seed = 0; seed < Math.Min(2, Count); seed++) start.Environment[$"Collab__Cluster__SeedNodes__{seed}"] = Address(seed);
        start.Environment["Collab__Journal__Provider"] = _store.Provider;
        start.Environment["Collab__Journal__ConnectionString"] = _store.ConnectionString;
        start.Environment["Collab__DataDir"] = Path.Combine(_store.DataDir, "node" + index);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (node.Output) node.Output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (node.Output) node.Output.AppendLine(e.Data); };
        lock (node.Output) node.Output.AppendLine($"==== started at {DateTime.UtcNow:HH:mm:ss.fff}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Process?.Dispose();
        node.Process = process;
    }

    private async Task WaitUntilServingAsync(int index)
    {
        Node node = _nodes[index];
        using var http = new HttpClient { BaseAddress = Http(index), Timeout = TimeSpan.FromSeconds(10) };
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (node.Process!.HasExited) throw new InvalidOperationException($"node {index} exited with {node.Process.ExitCode}:\n{Output()}");
            try
            {
                // 404 means a document actor answered: the node is in the cluster, sharding and the journal are up.
                if ((await http.GetAsync("api/docs/warmup/warmup")).StatusCode == HttpStatusCode.NotFound) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not in the cluster yet.
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"node {index} did not start within {StartTimeout}:\n{Output()}");
            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        foreach (Node node in _nodes)
        {
            Kill(node.Index);
            node.Process?.Dispose();
        }
    }

    private sealed class Node(int index, int httpPort, int remotingPort)
    {
        public int Index { get; } = index;
        public int HttpPort { get; } = httpPort;
        public int RemotingPort { get; } = remotingPort;
        public StringBuilder Output { get; } = new();
        public Process? Process { get; set; }
    }
}
