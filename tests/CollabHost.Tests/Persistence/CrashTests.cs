using System.Text.RegularExpressions;
using CollabText;
using CollabClient;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// The host as a real process, killed with SIGKILL at random moments while clients write, then started again:
/// every acknowledged op is there, none is there twice, and the reconnecting clients converge on the server's text.
/// Runs alone (its own collection, not in parallel): it starts and kills whole processes, which would starve the
/// timing-sensitive tests beside it on a small machine.
/// </summary>
[Collection(nameof(CrashTests))]
public sealed partial class CrashTests(ITestOutputHelper output)
{
    private const string Collection = "notes";
    private const int Writers = 3;
    private const int Crashes = 4;

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Acknowledged_ops_survive_kill_9_and_none_is_applied_twice(string provider)
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using JournalStore store = JournalStore.Create(provider);
        int port = HostProcess.FreePort();
        string id = "k-" + Guid.NewGuid().ToString("N")[..12];
        // Snapshots every 25 ops, so recoveries mix snapshot and replay and resends may reach behind the snapshot.
        string[] settings = ["--Collab:Documents:SnapshotEvery=25"];
        HostProcess host = await HostProcess.StartAsync(port, store, settings);
        var clientOptions = new CollabClientOptions { ReconnectMaxDelay = TimeSpan.FromMilliseconds(500), MaxReconnectAttempts = 200 };
        var connections = new List<CollabConnection>();
        try
        {
            for (int w = 0; w < Writers; w++) connections.Add(await CollabConnection.ConnectAsync(host.WebSocket, clientOptions));
            var docs = connections.Select(c => c.GetDocument(Collection, id)).ToList();
            foreach (CollabDocument doc in docs) await doc.SubscribeAsync();
            await docs[0].CreateAsync("");
            await WaitAsync(() => docs.All(d => d.Exists), "every writer sees the created document");

            var acknowledged = new List<string>[Writers];
            using var stop = new CancellationTokenSource();
            Task[] writers = Enumerable.Range(0, Writers).Select(w =>
            {
                acknowledged[w] = new List<string>();
                return WriteAsync(docs[w], w, acknowledged[w], seed + w, stop.Token);
            }).ToArray();

            for (int crash = 0; crash < Crashes; crash++)
            {
                await Task.Delay(random.Next(300, 1500));
                int before = acknowledged.Sum(a => a.Count);
                host.Kill();
                output.WriteLine($"kill -9 #{crash + 1} after {before} acknowledged ops");
                await Task.Delay(random.Next(0, 500));
                host.Dispose();
                host = await HostProcess.StartAsync(port, store, settings);
            }
            await Task.Delay(random.Next(300, 1000));
            stop.Cancel();
            await Task.WhenAll(writers);
            foreach (CollabDocument doc in docs)
                await doc.WhenNothingPendingAsync().WaitAsync(TimeSpan.FromSeconds(60));

            await using CollabConnection reader = await CollabConnection.ConnectAsync(host.WebSocket);
            CollabClient.DocumentSnapshot server = await reader.FetchSnapshotAsync(Collection, id);
            string text = server.Text!;
            var tokens = Token().Matches(text).Select(m => m.Value).ToList();
            int acked = acknowledged.Sum(a => a.Count);
            output.WriteLine($"{acked} acknowledged ops, server at version {server.Version} with {tokens.Count} ops' tokens");

            Assert.True(acked > 20, $"the writers made progress ({acked} acknowledged)");
            Assert.Equal(tokens.Count, tokens.Distinct().Count());
            Assert.Equal(text.Length, tokens.Sum(t => t.Length));
            foreach (string token in acknowledged.SelectMany(a => a)) Assert.Contains(token, tokens);
            // The create plus one version per applied op: nothing was applied twice or lost after an ack.
            Assert.Equal(tokens.Count + 1, server.Version);
            await WaitAsync(() => docs.All(d => d.Text == text), "every reconnected writer converges on the server's text");
        }
        catch
        {
            output.WriteLine(host.Output);
            throw;
        }
        finally
        {
            foreach (CollabConnection connection in connections) await connection.DisposeAsync();
            host.Dispose();
        }
    }

    /// <summary>One writer: inserts "[w.n]" at a random place, one op at a time, noting each op the server acks.</summary>
    private static async Task WriteAsync(CollabDocument doc, int writer, List<string> acknowledged, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        for (int n = 0; !stop.IsCancellationRequested; n++)
        {
            string token = $"[{writer}.{n}]";
            Task? ack = null;
            doc.Edit(text =>
            {
                // Only between tokens, so concurrent inserts never split one.
                var boundaries = Token().Matches(text).Select(m => m.Index + m.Length).Prepend(0).ToList();
                return TextOp.InsertAt(boundaries[random.Next(boundaries.Count)], token);
            });
            ack = doc.WhenNothingPendingAsync();
            await ack;
            lock (acknowledged) acknowledged.Add(token);
            await Task.Delay(random.Next(0, 15), CancellationToken.None);
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"\[\d+\.\d+\]")]
    private static partial Regex Token();
}

[CollectionDefinition(nameof(CrashTests), DisableParallelization = true)]
public sealed class CrashTestsCollection;
