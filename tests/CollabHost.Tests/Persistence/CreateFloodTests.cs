using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using CollabHost.Tests.Security;
using Xunit.Abstractions;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// Issue 19 item 10: connections creating new documents as fast as their limits let them must not hold up another
/// client's ops on a document that is already live (every create starts a document actor that reads the journal, and
/// writes its first row). Before the fix the editor's acks waited behind the creates' journal reads: median 10–258 ms,
/// p90 320–837 ms, the slowest up to 1.08 s, at about 100–110 creates/s.
/// </summary>
public class CreateFloodTests(ITestOutputHelper output)
{
    private const int Creators = 10;

    [Fact]
    public async Task Ops_on_a_live_document_are_acknowledged_promptly_while_ten_connections_create_documents_at_their_full_budget()
    {
        // Each creator comes from an address of its own (named by a trusted "proxy" at 127.0.0.1), so each runs at its
        // connection's full create budget (the defaults: 10 a second, 30 at once) rather than sharing one address's.
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Limits:TrustedProxies:0=127.0.0.1");
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("docs", "live", "");
        Assert.Null((await editor.ReceiveAckAsync(TimeSpan.FromSeconds(30)))["error"]);
        long version = 1;

        async Task<List<double>> AckMillisecondsAsync(int ops)
        {
            var latencies = new List<double>();
            for (int i = 0; i < ops; i++)
            {
                await Task.Delay(50); // a typist: 20 keystrokes a second
                long start = Stopwatch.GetTimestamp();
                await editor.InsertAsync("docs", "live", version, "k");
                JsonObject ack = await editor.ReceiveAckAsync(TimeSpan.FromSeconds(30));
                Assert.True(ack["error"] is null, ack.ToJsonString());
                version = (long)ack["v"]! + 1;
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            latencies.Sort();
            return latencies;
        }

        await AckMillisecondsAsync(10); // warm-up: JIT, the document actor, the journal
        List<double> quiet = await AckMillisecondsAsync(20);

        using var stop = new CancellationTokenSource();
        var creators = new List<CreatorConnection>();
        for (int c = 0; c < Creators; c++) creators.Add(await CreatorConnection.OpenAsync(host.WebSocketUrl, "c" + c, $"192.0.2.{c + 1}"));
        Task[] creating = creators.Select(c => c.RunAsync(stop.Token)).ToArray();
        await Task.Delay(1000); // let the creates reach their steady rate
        long createdBefore = creators.Sum(c => c.Created);
        var clock = Stopwatch.StartNew();
        List<double> loaded = await AckMillisecondsAsync(40);
        double seconds = clock.Elapsed.TotalSeconds;
        long created = creators.Sum(c => c.Created) - createdBefore;
        long refused = creators.Sum(c => c.Refused);
        stop.Cancel();
        await Task.WhenAll(creating);
        foreach (CreatorConnection c in creators) c.Dispose();

        output.WriteLine($"editor ack, quiet: median {Median(quiet):F1} ms, max {quiet[^1]:F1} ms");
        output.WriteLine($"editor ack, with {Creators} connections creating ({created / seconds:F0} creates/s acknowledged, {refused} refused): " +
                         $"median {Median(loaded):F1} ms, p90 {loaded[loaded.Count * 9 / 10]:F1} ms, max {loaded[^1]:F1} ms");
        Assert.True(created > 0, "the creators created nothing");
        // Generous: a shared two-core machine, so only queueing behind the creates fails this, never noise. Queueing
        // holds many acks back (p90 320-837 ms before the fix). One ack near a second with the rest fast is the disk:
        // a single fsync of this machine's journal has been caught at 623 ms (docs/benchmarks.md, "Slow journal
        // transactions"), and it holds the one op in flight (the editor sends the next after the ack). So the second
        // slowest is bounded, not the slowest.
        double p90 = loaded[loaded.Count * 9 / 10];
        Assert.True(p90 < 200, $"p90 ack {p90:F1} ms while others create (quiet median: {Median(quiet):F1} ms)");
        Assert.True(loaded[^2] < 1000, $"second slowest ack {loaded[^2]:F1} ms while others create (slowest {loaded[^1]:F1} ms)");
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];

    /// <summary>
    /// A connection that creates new documents at its full create budget: the burst at once, then one every
    /// <see cref="Interval"/>, without waiting for acks (a window bounds how many are unanswered).
    /// </summary>
    private sealed class CreatorConnection : IDisposable
    {
        private const int Burst = 30;
        private const int Window = 256;
        private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
        private readonly ProtocolSocket _socket;
        private readonly string _name;
        private long _created;
        private long _refused;

        private CreatorConnection(ProtocolSocket socket, string name)
        {
            _socket = socket;
            _name = name;
        }

        public long Created => Interlocked.Read(ref _created);

        public long Refused => Interlocked.Read(ref _refused);

        public static async Task<CreatorConnection> OpenAsync(Uri url, string name, string address) =>
            new(await ProtocolSocket.OpenAsync(url, forwardedFor: address), name);

        public async Task RunAsync(CancellationToken stop)
        {
            using var inFlight = new SemaphoreSlim(Window);
            Task reading = Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        JsonObject reply = await _socket.ReceiveAsync(m => (string?)m["a"] == "op", TimeSpan.FromSeconds(60));
                        if (reply["error"] is null) Interlocked.Increment(ref _created);
                        else Interlocked.Increment(ref _refused);
                        inFlight.Release();
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
                {
                    // Stopped, or the test is over.
                }
            });
            int n = 0;
            try
            {
                using var pace = new PeriodicTimer(Interval);
                while (true)
                {
                    await inFlight.WaitAsync(stop);
                    await _socket.CreateAsync("flood", $"{_name}-{n++}", "x");
                    if (n >= Burst) await pace.WaitForNextTickAsync(stop);
                }
            }
            catch (OperationCanceledException)
            {
            }
            _socket.Socket.Abort();
            await reading;
        }

        public void Dispose() => _socket.Dispose();
    }
}
