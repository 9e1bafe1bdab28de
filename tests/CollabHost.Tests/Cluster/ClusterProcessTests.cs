using System.Text.RegularExpressions;
using CollabText;
using CollabClient;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests.Cluster;

/// <summary>
/// Three CollabHost processes on 127.0.0.1 forming one cluster over a real PostgreSQL journal, with editors (the .NET
/// client, which reconnects and resends its in-flight op with the same src and seq) on different nodes typing into the
/// same documents: they converge, and neither a killed node nor a rolling restart loses an acknowledged op or applies
/// one twice.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class ClusterProcessTests(ITestOutputHelper output)
{
    private const string Collection = "cluster";
    private const int Nodes = 3;
    private const int Documents = 3;
    private const int WritersPerDocument = 3;

    /// <summary>A request lost with a killed node is given up (and the client reconnects and resends) after 8 s.</summary>
    private static readonly string[] ClusterSettings = ["--Collab:Connections:DocumentReplyTimeout=00:00:08"];

    [Fact]
    public async Task Editors_on_different_nodes_converge_on_the_servers_snapshot()
    {
        using JournalStore store = JournalStore.Create(JournalStore.PostgreSql);
        using ClusterNodes cluster = await ClusterNodes.StartAsync(store, Nodes, ClusterSettings);
        await using var load = await EditingLoad.StartAsync(cluster, output);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            await load.StopAndVerifyAsync(minimumAcknowledged: 30);
        }
        catch
        {
            output.WriteLine(cluster.Output());
            throw;
        }
    }

    [Fact]
    public async Task Killing_the_node_that_hosts_a_document_loses_no_acknowledged_op_and_applies_none_twice()
    {
        using JournalStore store = JournalStore.Create(JournalStore.PostgreSql);
        // The default reply timeout (30 s), not the 8 s of the other tests: an editor whose request was lost with the
        // node must get its answer from the document's new home, not from a timeout and a reconnect (checked below).
        using ClusterNodes cluster = await ClusterNodes.StartAsync(store, Nodes);
        await using var load = await EditingLoad.StartAsync(cluster, output);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            string host = await cluster.HostOfAsync(0, Collection, load.DocumentIds[0]);
            int victim = cluster.IndexOf(host);
            int before = load.Acknowledged;
            cluster.Kill(victim);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} kill -9 node {victim} ({host}), which hosts {load.DocumentIds[0]}, after {before} acknowledged ops");

            // The resolver downs it (failure detection + stable-after), its shards start on the survivors
            // (down-removal-margin), and the editors, reconnected to surviving nodes, get acks again. The mark is taken
            // a second after the kill, when acks the node sent before it died have arrived: a dead document cannot
            // look back before it is.
            await Task.Delay(TimeSpan.FromSeconds(1));
            int[] mark = load.PerDocument();
            await EditingLoad.WaitAsync(() => EditingLoad.EachGrewSince(load.PerDocument(), mark), TimeSpan.FromSeconds(90),
                "every document acknowledges ops again after the kill");
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} every document acknowledges ops again; {load.Acknowledged} acknowledged");
            // And every editor, within seconds of the last document: a request lost without a dead letter as the node
            // died is sent again when the node is removed (NodeRemovedBroadcast); left to the 30 s reply timeout and a
            // reconnect, it would come about 15 s after the documents are back.
            int[] writers = load.PerWriter();
            await EditingLoad.WaitAsync(() => EditingLoad.EachGrewSince(load.PerWriter(), writers), TimeSpan.FromSeconds(10),
                "every editor acknowledged again within 10 s of every document");
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} every editor acknowledges ops again; {load.Acknowledged} acknowledged");

            int survivor = (victim + 1) % Nodes;
            string newHost = host;
            DateTime deadline = DateTime.UtcNow.AddSeconds(120);
            while (newHost == host)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{load.DocumentIds[0]} did not start on a surviving node within 120 s");
                try
                {
                    newHost = await cluster.HostOfAsync(survivor, Collection, load.DocumentIds[0]);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not yet reallocated: the request timed out in the node.
                }
            }
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {load.DocumentIds[0]} now on {newHost}");
            Assert.NotEqual(host, newHost);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await load.StopAndVerifyAsync(minimumAcknowledged: before + 10, readFrom: survivor);
        }
        catch
        {
            output.WriteLine(cluster.Output());
            throw;
        }
    }

    [Fact]
    public async Task A_rolling_restart_of_every_node_under_load_loses_no_acknowledged_op_and_applies_none_twice()
    {
        using JournalStore store = JournalStore.Create(JournalStore.PostgreSql);
        using ClusterNodes cluster = await ClusterNodes.StartAsync(store, Nodes, ClusterSettings);
        await using var load = await EditingLoad.StartAsync(cluster, output);
        try
        {
            for (int node = 0; node < Nodes; node++)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                int before = load.Acknowledged;
                int exit = await cluster.TerminateAsync(node, TimeSpan.FromSeconds(60));
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} node {node} left on SIGTERM (exit {exit}) after {before} acknowledged ops");
                await cluster.RestartAsync(node);
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} node {node} back; {load.Acknowledged} acknowledged");
                int[] mark = load.PerDocument();
                await EditingLoad.WaitAsync(() => EditingLoad.EachGrewSince(load.PerDocument(), mark), TimeSpan.FromSeconds(90),
                    $"every document acknowledges ops again after node {node} restarted");
            }
            await load.StopAndVerifyAsync(minimumAcknowledged: 30);
        }
        catch
        {
            output.WriteLine(cluster.Output());
            throw;
        }
    }

    /// <summary>
    /// Editors typing into <see cref="Documents"/> documents, <see cref="WritersPerDocument"/> each, connected round
    /// robin to the nodes and knowing the other nodes for reconnecting. Each inserts "[w.n]" tokens between tokens, one
    /// op at a time, and records the tokens the server acknowledged.
    /// </summary>
    private sealed partial class EditingLoad : IAsyncDisposable
    {
        private readonly ClusterNodes _cluster;
        private readonly ITestOutputHelper _output;
        private readonly List<CollabConnection> _connections = [];
        private readonly List<(CollabDocument Doc, int Document, List<string> Acked)> _writers = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _running = [];

        private EditingLoad(ClusterNodes cluster, ITestOutputHelper output)
        {
            _cluster = cluster;
            _output = output;
            DocumentIds = Enumerable.Range(0, Documents).Select(_ => "d-" + Guid.NewGuid().ToString("N")[..12]).ToArray();
        }

        public string[] DocumentIds { get; }

        public int Acknowledged => _writers.Sum(w => AckedCount(w.Acked));

        public static async Task<EditingLoad> StartAsync(ClusterNodes cluster, ITestOutputHelper output)
        {
            var load = new EditingLoad(cluster, output);
            int seed = Environment.TickCount;
            output.WriteLine($"seed {seed}");
            var options = new CollabClientOptions { ReconnectMaxDelay = TimeSpan.FromMilliseconds(500), MaxReconnectAttempts = 1_000 };
            int w = 0;
            for (int d = 0; d < Documents; d++)
            for (int k = 0; k < WritersPerDocument; k++, w++)
            {
                int node = w % cluster.Count;
                var connection = await CollabConnection.ConnectAsync(cluster.WebSocket(node),
                    options with { OtherServers = cluster.WebSocketsExcept(node).ToArray() });
                load._connections.Add(connection);
                CollabDocument doc = connection.GetDocument(Collection, load.DocumentIds[d]);
                await doc.SubscribeAsync();
                if (k == 0) await doc.CreateAsync("");
                load._writers.Add((doc, d, []));
            }
            await WaitAsync(() => load._writers.All(x => x.Doc.Exists), TimeSpan.FromSeconds(60), "every editor sees its document created");
            for (int i = 0; i < load._writers.Count; i++)
            {
                var (doc, _, acked) = load._writers[i];
                int writer = i;
                load._running.Add(load.WriteAsync(doc, writer, acked, seed + writer, load._stop.Token));
            }
            return load;
        }

        /// <summary>Acknowledged ops so far, per document.</summary>
        public int[] PerDocument() => Enumerable.Range(0, Documents)
            .Select(d => _writers.Where(w => w.Document == d).Sum(w => AckedCount(w.Acked)))
            .ToArray();

        /// <summary>Every count in <paramref name="now"/> (per document or per writer) is above its count in <paramref name="mark"/>.</summary>
        public static bool EachGrewSince(int[] now, int[] mark) => now.Zip(mark).All(p => p.Item1 > p.Item2);

        /// <summary>Acknowledged ops so far, per writer.</summary>
        public int[] PerWriter() => _writers.Select(w => AckedCount(w.Acked)).ToArray();

        /// <summary>One writer's acknowledged ops so far (its list grows while its write loop runs).</summary>
        private static int AckedCount(List<string> acked) { lock (acked) return acked.Count; }

        public async Task StopAndVerifyAsync(int minimumAcknowledged, int readFrom = 0)
        {
            await _stop.CancelAsync();
            try
            {
                await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(120));
                foreach (var w in _writers) await w.Doc.WhenNothingPendingAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                for (int i = 0; i < _writers.Count; i++)
                    _output.WriteLine($"writer {i}: {_connections[i].State} to {_connections[i].Server}, {_connections[i].ReconnectCount} reconnects, " +
                                      $"document at version {_writers[i].Doc.Version}, writing done: {_running[i].IsCompleted}");
                throw;
            }

            int lost = 0, twice = 0, acknowledged = 0;
            for (int d = 0; d < Documents; d++)
            {
                // The server's snapshot, read from every running node: the same everywhere.
                var texts = new List<(string Text, long Version)>();
                for (int node = 0; node < _cluster.Count; node++)
                {
                    if (!_cluster.IsRunning(node)) continue;
                    await using CollabConnection reader = await CollabConnection.ConnectAsync(_cluster.WebSocket(node));
                    CollabClient.DocumentSnapshot snapshot = await reader.FetchSnapshotAsync(Collection, DocumentIds[d]);
                    texts.Add((snapshot.Text!, snapshot.Version));
                }
                Assert.All(texts, t => Assert.Equal(texts[0], t));
                (string text, long version) = texts[0];
                var tokens = Token().Matches(text).Select(m => m.Value).ToList();
                Assert.Equal(text.Length, tokens.Sum(t => t.Length));
                var ackedHere = _writers.Where(w => w.Document == d).SelectMany(w => { lock (w.Acked) return w.Acked.ToList(); }).ToList();
                acknowledged += ackedHere.Count;
                lost += ackedHere.Count(t => !tokens.Contains(t));
                twice += tokens.Count - tokens.Distinct().Count();
                _output.WriteLine($"{DocumentIds[d]}: version {version}, {tokens.Count} ops' tokens, {ackedHere.Count} acknowledged");
                // One version for the create and one per applied op: nothing applied that is not in the text.
                Assert.Equal(tokens.Count + 1, version);
                await WaitAsync(() => _writers.Where(w => w.Document == d).All(w => w.Doc.Text == text), TimeSpan.FromSeconds(60),
                    $"every editor of {DocumentIds[d]} converges on the server's text");
            }
            _output.WriteLine($"acknowledged {acknowledged}, acknowledged but lost {lost}, applied twice {twice}, refused by the server {_refused}");
            Assert.Equal(0, lost);
            Assert.Equal(0, twice);
            Assert.True(acknowledged >= minimumAcknowledged, $"the editors made progress ({acknowledged} acknowledged, wanted {minimumAcknowledged})");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            foreach (CollabConnection connection in _connections) await connection.DisposeAsync();
        }

        /// <summary>
        /// One writer: one op at a time, each inserting its own token. A token counts as acknowledged only when the
        /// server's ack for its op arrives (the client's Acknowledged event); an op the server refused is rolled back by
        /// the client (Error event) and counts as refused, and is expected in no text.
        /// </summary>
        private async Task WriteAsync(CollabDocument doc, int writer, List<string> acknowledged, int seed, CancellationToken stop)
        {
            var random = new Random(seed);
            var unresolved = new Queue<string>();
            doc.Acknowledged += _ => { lock (acknowledged) acknowledged.Add(unresolved.Dequeue()); };
            doc.Error += e =>
            {
                if (unresolved.Count > 0 && e is ShareDbServerException) Interlocked.Increment(ref _refused);
                if (Interlocked.Increment(ref _errorsLogged) <= 10) _output.WriteLine($"writer {writer}: {e.GetType().Name}: {e.Message}");
                if (e is ShareDbServerException) unresolved.Clear();
            };
            for (int n = 0; !stop.IsCancellationRequested; n++)
            {
                string token = $"[{writer}.{n}]";
                doc.Edit(text =>
                {
                    // Only between tokens, so concurrent inserts never split one. Runs under the client's lock, as
                    // do its events.
                    var boundaries = Token().Matches(text).Select(m => m.Index + m.Length).Prepend(0).ToList();
                    unresolved.Enqueue(token);
                    return TextOp.InsertAt(boundaries[random.Next(boundaries.Count)], token);
                });
                await doc.WhenNothingPendingAsync();
                await Task.Delay(random.Next(5, 40), CancellationToken.None);
            }
        }

        private int _refused;
        private int _errorsLogged;

        public static async Task WaitAsync(Func<bool> condition, TimeSpan within, string what)
        {
            DateTime deadline = DateTime.UtcNow + within;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
                await Task.Delay(50);
            }
        }

        [GeneratedRegex(@"\[\d+\.\d+\]")]
        public static partial Regex Token();
    }
}

/// <summary>The cluster tests run one at a time: each starts three hosts on a machine with two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster processes";
}
