using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;
using CollabClient;
using CollabDurabilityBench;
using CollabHost;
using DocumentSnapshot = CollabActors.Documents.DocumentSnapshot;

// Durability figures for docs/benchmarks.md ("Durability"). Parts: throughput, memory, recovery (default: all).
string[] parts = args.Length > 0 ? args : ["throughput", "memory", "recovery"];
Console.WriteLine("reproduce: dotnet build src/CollabHost -c Release && dotnet run -c Release --project bench/CollabDurabilityBench -- " + string.Join(' ', parts));
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
string root = Directory.CreateTempSubdirectory("collab-durability-").FullName;
// Rate limits off: the figures are about the journal, not about the per-connection limits.
string[] unlimited =
[
    "--Collab:Connections:OpsPerSecond=1000000", "--Collab:Connections:OpBurst=1000000",
    "--Collab:Connections:MessagesPerSecond=1000000", "--Collab:Connections:MessageBurst=1000000",
    "--Collab:Connections:CreatesPerSecond=1000000", "--Collab:Connections:CreateBurst=1000000",
    "--Collab:Limits:CreatesPerSecondPerIp=1000000", "--Collab:Limits:CreateBurstPerIp=1000000",
];
try
{
    foreach (string part in parts)
    {
        switch (part)
        {
            case "throughput":
                await ThroughputAsync(Path.Combine(root, "throughput"), documents: 64, connections: 16, TimeSpan.FromSeconds(15));
                break;
            case "memory":
                await MemoryAsync(Path.Combine(root, "memory"), documents: 10_000);
                break;
            case "recovery":
                await RecoveryAsync(Path.Combine(root, "recovery"), ops: 100_000, snapshotEvery: 500, runs: 3);
                break;
            default:
                throw new ArgumentException($"Unknown part '{part}': throughput, memory or recovery.");
        }
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}
Console.WriteLine($"load average at the end {File.ReadAllText("/proc/loadavg").Trim()}");
return;

// Committed ops per second on one node, SQLite journal: `documents` writers (one per document, over `connections`
// sockets) each submit an op and wait for its ack, again and again.
async Task ThroughputAsync(string dataDir, int documents, int connections, TimeSpan duration)
{
    using HostProcess host = await HostProcess.StartAsync(dataDir, unlimited);
    var sockets = new List<CollabConnection>();
    for (int i = 0; i < connections; i++) sockets.Add(await CollabConnection.ConnectAsync(host.WebSocket));
    var docs = new List<CollabDocument>();
    for (int i = 0; i < documents; i++)
    {
        CollabDocument doc = sockets[i % connections].GetDocument("bench", "t" + i);
        await doc.FetchAsync();
        await doc.CreateAsync("");
        docs.Add(doc);
    }
    var latencies = new ConcurrentBag<double>();
    long committed = 0;
    bool measuring = false;
    using var stop = new CancellationTokenSource();
    Task[] writers = docs.Select(doc => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            await doc.SubmitAsync(TextOp.InsertAt(doc.Text!.Length, "x"));
            if (Volatile.Read(ref measuring))
            {
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref committed);
            }
        }
    })).ToArray();
    await Task.Delay(TimeSpan.FromSeconds(3));
    Volatile.Write(ref measuring, true);
    var clock = Stopwatch.StartNew();
    await Task.Delay(duration);
    Volatile.Write(ref measuring, false);
    double seconds = clock.Elapsed.TotalSeconds;
    long measured = Interlocked.Read(ref committed);
    stop.Cancel();
    await Task.WhenAll(writers);
    double[] sorted = latencies.Order().ToArray();
    Console.WriteLine($"throughput: {documents} documents x 1 writer over {connections} connections, {seconds:F1} s measured after 3 s warm-up");
    Console.WriteLine($"throughput: {measured} ops committed and acked = {measured / seconds:F0} ops/s; ack latency median {Percentile(sorted, 0.5):F2} ms, p99 {Percentile(sorted, 0.99):F2} ms, max {sorted[^1]:F2} ms");
    foreach (CollabConnection socket in sockets) await socket.DisposeAsync();
    await host.StopAsync();
}

// Memory of the host after touching `documents` existing documents once each, and after they passivate.
async Task MemoryAsync(string dataDir, int documents)
{
    using (HostProcess writer = await HostProcess.StartAsync(dataDir, unlimited))
    {
        var sockets = new List<CollabConnection>();
        for (int i = 0; i < 16; i++) sockets.Add(await CollabConnection.ConnectAsync(writer.WebSocket));
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, documents), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            CollabDocument doc = sockets[i % sockets.Count].GetDocument("mem", "d" + i);
            await doc.FetchAsync();
            await doc.CreateAsync($"document {i}: some text to hold, about a hundred characters long, like a short note would be.");
        });
        Console.WriteLine($"memory: created {documents} documents in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (CollabConnection socket in sockets) await socket.DisposeAsync();
        await writer.StopAsync();
    }

    // The default idle time (2 minutes), so every document touched is still loaded when the touching ends. Two rounds:
    // the second shows whether memory stays where the first left it (bounded) or grows.
    TimeSpan idle = new DocumentSettings().PassivateIdleAfter;
    using HostProcess host = await HostProcess.StartAsync(dataDir, unlimited);
    await Task.Delay(TimeSpan.FromSeconds(5));
    Console.WriteLine($"memory: fresh host: RSS {host.ResidentMiB():F0} MiB, {await ManagedAsync(host)}, active documents {await host.MetricAsync("collab_documents_active")}");
    using var http = new HttpClient { BaseAddress = host.Http };
    for (int round = 1; round <= 2; round++)
    {
        var touch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, documents), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            using HttpResponseMessage response = await http.GetAsync($"api/docs/mem/d{i}", ct);
            response.EnsureSuccessStatusCode();
        });
        Console.WriteLine($"memory: round {round}: touched {documents} documents once (GET /api/docs, 32 at a time) in {touch.Elapsed.TotalSeconds:F1} s: " +
                          $"RSS {host.ResidentMiB():F0} MiB, {await ManagedAsync(host)}, active documents {await host.MetricAsync("collab_documents_active")}");
        DateTime deadline = DateTime.UtcNow + idle + TimeSpan.FromSeconds(90);
        while (await host.MetricAsync("collab_documents_active") > 0 && DateTime.UtcNow < deadline) await Task.Delay(1000);
        Console.WriteLine($"memory: round {round}: after passivation (idle {idle.TotalSeconds:F0} s): RSS {host.ResidentMiB():F0} MiB, {await ManagedAsync(host)}, active documents " +
                          $"{await host.MetricAsync("collab_documents_active")}, {touch.Elapsed.TotalSeconds:F0} s after the touches began");
    }
    await host.StopAsync();
}

// Recovery time of one document with `ops` ops, from the SQLite journal alone and from its latest snapshot.
async Task RecoveryAsync(string dataDir, int ops, int snapshotEvery, int runs)
{
    var options = new CollabOptions { DataDir = dataDir };
    Config config = ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.loglevel = WARNING")
        .WithFallback(ConfigurationFactory.ParseString(JournalSetup.Hocon(options)))
        .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon"))));
    var settings = new DocumentSettings { PassivateIdleAfter = TimeSpan.FromHours(1), SnapshotEvery = int.MaxValue };
    var plain = new DocumentId("bench", "plain");
    var snapshotted = new DocumentId("bench", "snapshotted");

    // An editing session: typing at a moving caret, some backspaces. Snapshots as DocumentActor makes them every
    // `snapshotEvery` ops, placed so the latest is snapshotEvery - 1 ops behind the end (the worst case).
    var random = new Random(42);
    var state = new DocumentState(plain, settings);
    var history = new List<CommittedOp>(ops + 1);
    var snapshots = new Dictionary<long, DocumentSnapshot>();
    long lastSnapshot = ops - (snapshotEvery - 1);
    void Commit(OpChange change)
    {
        var commit = (SubmitDecision.Commit)state.Decide("writer", history.Count + 1, state.Version, change, 1_700_000_000_000 + history.Count);
        state.Apply(commit.Op);
        history.Add(commit.Op);
        if (state.Version <= lastSnapshot && (lastSnapshot - state.Version) % snapshotEvery == 0) snapshots[state.Version] = state.ToSnapshot();
    }
    Commit(new CreateChange(TextUnicodeType.Uri, ""));
    int caret = 0, length = 0;
    while (history.Count < ops)
    {
        if (random.Next(20) == 0) caret = random.Next(length + 1);
        if (caret > 0 && random.Next(8) == 0)
        {
            Commit(new EditChange(TextOp.DeleteAt(caret - 1, 1)));
            caret--;
            length--;
        }
        else
        {
            Commit(new EditChange(TextOp.InsertAt(caret, ((char)('a' + random.Next(26))).ToString())));
            caret++;
            length++;
        }
    }

    using (ActorSystem filling = ActorSystem.Create("fill", config))
    {
        var clock = Stopwatch.StartNew();
        var filled = await filling.ActorOf(JournalFiller.Props("document-" + plain.EntityId))
            .Ask<JournalFiller.Filled>(new JournalFiller.Fill(history, new Dictionary<long, DocumentSnapshot>()), TimeSpan.FromMinutes(10));
        var filledSnapshotted = await filling.ActorOf(JournalFiller.Props("document-" + snapshotted.EntityId))
            .Ask<JournalFiller.Filled>(new JournalFiller.Fill(history, snapshots), TimeSpan.FromMinutes(10));
        Console.WriteLine($"recovery: wrote {filled.Events} + {filledSnapshotted.Events} events and {filledSnapshotted.Snapshots} snapshots " +
                          $"(text {state.Data!.Length} chars) in {clock.Elapsed.TotalSeconds:F1} s");
        await filling.Terminate();
    }

    using ActorSystem system = ActorSystem.Create("recover", config);
    foreach ((DocumentId id, string what) in new[] { (plain, "no snapshot, all events replayed"), (snapshotted, $"latest snapshot at {lastSnapshot}, {ops - lastSnapshot} events replayed") })
    {
        var times = new List<double>();
        for (int run = 0; run < runs + 1; run++)
        {
            var clock = Stopwatch.StartNew();
            IActorRef actor = system.ActorOf(DocumentActor.Props(id, settings, ActorRefs.Nobody));
            var status = await actor.Ask<DocumentReplies.DocumentStatus>(new DocumentCommands.GetStatus(id), TimeSpan.FromMinutes(5));
            double ms = clock.Elapsed.TotalMilliseconds;
            if (status.Version != ops) throw new InvalidOperationException($"{id} recovered to {status.Version}, not {ops}");
            await actor.GracefulStop(TimeSpan.FromSeconds(30));
            if (run > 0) times.Add(ms); // run 0 warms the JIT and the SQLite page cache
        }
        times.Sort();
        Console.WriteLine($"recovery: {ops} ops, {what}: median {times[times.Count / 2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms ({runs} runs after 1 warm-up)");
    }
    await system.Terminate();
}

// prometheus-net's dotnet_total_memory_bytes: GC.GetTotalMemory(false) in the host, the managed heap as the last GC left it.
static async Task<string> ManagedAsync(HostProcess host) => $"managed heap {await host.MetricAsync("dotnet_total_memory_bytes") / (1024 * 1024):F0} MiB";

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
