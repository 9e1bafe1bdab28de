using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CollabDurabilityBench;

namespace CollabQueryBench;

/// <summary>One window of the op workload on one host: committed ops and the CPU they cost, where.</summary>
public sealed record WriteWindow(bool ReadModel, long Ops, double Seconds, double HostCpu, double JournalWriterCpu, double ProjectorCpu, double? PostgresCpu)
{
    public double OpsPerSecond => Ops / Seconds;

    public static double PerOpMicroseconds(double cpuSeconds, long ops) => ops == 0 ? double.NaN : cpuSeconds * 1e6 / ops;

    public override string ToString() =>
        $"read model {(ReadModel ? "on " : "off")}: {Ops} ops in {Seconds:F1} s ({OpsPerSecond:F0}/s); CPU µs/op: host {PerOpMicroseconds(HostCpu, Ops):F0} " +
        $"(journal writer thread {PerOpMicroseconds(JournalWriterCpu, Ops):F1}, projector thread {PerOpMicroseconds(ProjectorCpu, Ops):F1})" +
        (PostgresCpu is { } pg ? $", PostgreSQL backends {PerOpMicroseconds(pg, Ops):F0}" : "");
}

/// <summary>
/// The write cost of the read model: the same paced op workload on a CollabHost process with
/// <c>Collab:Queries:Enabled</c> true and false, and the CPU time per committed op of the host process, of its journal
/// writer and projector threads, and (PostgreSQL) of the backends serving it. Each writer edits one of the corpus's
/// documents over its own WebSocket, sending its next json0 op when the last is acked and its pace allows, so both
/// settings commit the same ops at the same rate.
/// </summary>
public sealed class WriteCost(BenchStore store, IReadOnlyList<CorpusDocument> documents, int ratePerWriter)
{
    private const string JournalWriterThread = "collab-journal-"; // "collab-journal-writer", as the kernel keeps it
    private const string ProjectorThread = "collab-read-mod"; // "collab-read-model"

    // Rate limits off: the figures are about the write path, not the per-connection limits.
    private static readonly string[] Unlimited =
    [
        "--Collab:Connections:OpsPerSecond=1000000", "--Collab:Connections:OpBurst=1000000",
        "--Collab:Connections:MessagesPerSecond=1000000", "--Collab:Connections:MessageBurst=1000000",
    ];

    // Four small edits that leave the document as it was after each round of them.
    private static readonly string[] Ops =
    [
        """[{"p":["title",0],"si":"x"}]""", """[{"p":["priority"],"na":1}]""",
        """[{"p":["title",0],"sd":"x"}]""", """[{"p":["priority"],"na":-1}]""",
    ];

    private readonly long[] _versions = documents.Select(d => (long)d.History.Count).ToArray();

    public async Task<WriteWindow> MeasureAsync(bool readModel, TimeSpan warmup, TimeSpan window)
    {
        using HostProcess host = await HostProcess.StartAsync(store.DataDir,
            [.. store.HostArguments(), .. Unlimited, $"--Collab:Queries:Enabled={(readModel ? "true" : "false")}"]);
        long acked = 0;
        bool counting = false;
        using var stop = new CancellationTokenSource();
        Task[] writers = Enumerable.Range(0, documents.Count).Select(i => Task.Run(() => WriteAsync(host.WebSocket, i, () =>
        {
            if (Volatile.Read(ref counting)) Interlocked.Increment(ref acked);
        }, stop.Token))).ToArray();

        await Task.Delay(warmup);
        (double host0, Dictionary<string, double> threads0, Dictionary<int, double>? pg0) = Read(host.Pid);
        Volatile.Write(ref counting, true);
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        Volatile.Write(ref counting, false);
        (double host1, Dictionary<string, double> threads1, Dictionary<int, double>? pg1) = Read(host.Pid);
        double seconds = clock.Elapsed.TotalSeconds;
        long ops = Interlocked.Read(ref acked);
        stop.Cancel();
        await Task.WhenAll(writers);
        await host.StopAsync();
        return new WriteWindow(readModel, ops, seconds, host1 - host0,
            CpuMeter.Spent(threads0, threads1, n => n == JournalWriterThread),
            CpuMeter.Spent(threads0, threads1, n => n == ProjectorThread),
            pg0 is null ? null : CpuMeter.Spent(pg0, pg1!));
    }

    private (double Host, Dictionary<string, double> Threads, Dictionary<int, double>? Postgres) Read(int pid) =>
        (CpuMeter.Process(pid), CpuMeter.Threads(pid), store.IsPostgreSql ? CpuMeter.PostgresBackends(store.ConnectionString!) : null);

    private async Task WriteAsync(Uri url, int writer, Action acked, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        JsonElement init = await ReceiveAsync(socket, buffer);
        if (init.GetProperty("a").GetString() != "init") throw new InvalidOperationException("Expected init, got " + init);
        var interval = TimeSpan.FromSeconds(1.0 / ratePerWriter);
        var paced = Stopwatch.StartNew();
        CorpusDocument document = documents[writer];
        for (long seq = 1; !stop.IsCancellationRequested; seq++)
        {
            TimeSpan wait = interval * seq - paced.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            long version = _versions[writer];
            // The four edits in turn, counted from the document's version before the bench: sd deletes the x si inserted.
            string op = Ops[(int)((version - document.History.Count) % Ops.Length)];
            string message = $$"""{"a":"op","c":"{{document.Id.Collection}}","d":"{{document.Id.Id}}","v":{{version}},"seq":{{seq}},"op":{{op}}}""";
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            JsonElement reply = await ReceiveAsync(socket, buffer);
            if (reply.TryGetProperty("error", out JsonElement error)) throw new InvalidOperationException($"{document.Id}: {error}");
            _versions[writer] = version + 1;
            acked();
        }
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The window is over and counted; a host that resets the socket instead of finishing the close handshake
            // changes no figure (seen once: "closed the WebSocket connection without completing the close handshake").
        }
    }

    private static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket, byte[] buffer)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException($"The host closed the socket: {(int?)socket.CloseStatus} {socket.CloseStatusDescription}");
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
        }
    }
}
