using System.Diagnostics;
using CollabClient;
using CollabLoad.Metrics;
using CollabLoad.Options;
using CollabLoad.Reporting;

namespace CollabLoad.Runs;

/// <summary>
/// Holds N quiet connections (handshaken; every --idle-subscribe-every-th subscribed to one of the run's documents) for the duration, to
/// measure how many a server holds and its memory per connection (server RSS before and while holding).
/// </summary>
public sealed class IdleConnectionsRun(LoadOptions options, IProgressSink progress)
{
    public async Task<IdleResult> RunAsync(string command, CancellationToken ct)
    {
        int count = options.IdleConnections ?? throw new InvalidOperationException("--idle-connections is not set.");
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        string prefix = options.DocPrefix ?? $"idle-{startedAt:HHmmss}-{Environment.ProcessId}-";
        List<string> docIds = Enumerable.Range(0, options.Docs).Select(i => prefix + i).ToList();
        await DocumentSeeder.SeedAsync(options, docIds, ct);
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        long? before = options.ServerPid is int pid0 ? ProcessMemory.ResidentBytes(pid0) : null;
        progress.Line($"opening {count} quiet connections to {options.Url}" +
                      (options.SourceAddresses is int k ? $" from 127.0.0.2–127.0.0.{k + 1}" : "") +
                      (before is long b ? $"; server RSS before {b / 1048576.0:0.0} MiB" : ""));

        var connections = new CollabConnection?[count];
        var errors = new List<string>();
        int failures = 0, opened = 0;
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        var tasks = new List<Task>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                await gate.WaitAsync(ct);
                int index = i;
                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        var clientOptions = new CollabClientOptions { Encoding = options.Encoding, LocalAddress = options.SourceAddressFor(index) };
                        CollabConnection c = await CollabConnection.ConnectAsync(options.Url, clientOptions, ct);
                        connections[index] = c;
                        if (index % options.IdleSubscribeEvery == 0)
                            await c.GetDocument(options.Collection, docIds[index % docIds.Count]).SubscribeAsync(ct);
                        int n = Interlocked.Increment(ref opened);
                        if (n % 1000 == 0) progress.Line($"{n} connections open after {clock.Elapsed.TotalSeconds:0.0}s");
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref failures);
                        lock (errors) if (errors.Count < 20) errors.Add($"connection {index}: {e.GetType().Name}: {e.Message}");
                    }
                    finally
                    {
                        gate.Release();
                    }
                }, CancellationToken.None));
            }
            await Task.WhenAll(tasks);
            double connectSeconds = clock.Elapsed.TotalSeconds;
            progress.Line($"{opened} open, {failures} failed, in {connectSeconds:0.0}s; holding for {options.Duration.TotalSeconds:0.#}s");

            // Hold, watching that they stay connected; read RSS at the end of the hold (settled, not mid-burst).
            var held = Stopwatch.StartNew();
            while (held.Elapsed < options.Duration)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, (options.Duration - held.Elapsed).TotalSeconds + 0.01)), ct);
                int connected = connections.Count(c => c is { State: ConnectionState.Connected });
                progress.Line($"holding {connected}/{count} connected, {held.Elapsed.TotalSeconds:0}s");
            }
            long? whileHeld = options.ServerPid is int pid1 ? ProcessMemory.ResidentBytes(pid1) : null;
            int stillConnected = connections.Count(c => c is { State: ConnectionState.Connected });
            double? perConnection = before is long rb && whileHeld is long rh && stillConnected > 0 ? Math.Round((rh - rb) / (double)stillConnected, 0) : null;
            return new IdleResult
            {
                Label = options.Label,
                Url = options.Url.ToString(),
                Encoding = options.Encoding.ToString(),
                ConnectionsRequested = count,
                ConnectionsHeld = stillConnected,
                ConnectFailures = failures,
                ErrorSamples = errors,
                SourceAddresses = options.SourceAddresses,
                SubscribeEvery = options.IdleSubscribeEvery,
                HeldSeconds = Math.Round(held.Elapsed.TotalSeconds, 1),
                ConnectSeconds = Math.Round(connectSeconds, 1),
                ServerRssBytesBefore = before,
                ServerRssBytesHeld = whileHeld,
                ServerBytesPerConnection = perConnection,
                StartedAt = startedAt,
                Command = command,
            };
        }
        finally
        {
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            foreach (CollabConnection?[] chunk in connections.Chunk(500))
                await Task.WhenAll(chunk.Where(c => c is not null).Select(async c => await c!.DisposeAsync()));
        }
    }
}
