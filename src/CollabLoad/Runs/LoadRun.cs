using System.Diagnostics;
using CollabLoad.Editing;
using CollabLoad.Metrics;
using CollabLoad.Options;
using CollabLoad.Reporting;

namespace CollabLoad.Runs;

/// <summary>
/// A typing run: seed the documents, ramp editors up, type for the measured duration, stop, check convergence,
/// and summarise. Every phase is bounded in time.
/// </summary>
public sealed class LoadRun(LoadOptions options, IProgressSink progress)
{
    public LoadMetrics Metrics { get; } = new();

    public async Task<LoadResult> RunAsync(string command, CancellationToken ct)
    {
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        string prefix = options.DocPrefix ?? $"load-{startedAt:HHmmss}-{Environment.ProcessId}-";
        List<string> docIds = Enumerable.Range(0, options.Docs).Select(i => prefix + i).ToList();
        progress.Line($"seed {options.Seed}; {options.Docs} docs × {options.EditorsPerDoc} editors ({options.Typists} typing), {options.Mode} loop" +
                      (options.Mode == Options.LoadMode.Open ? $" at {options.Rate}/s each" : "") + $", {options.Encoding}, " +
                      string.Join(", ", options.Servers));
        await DocumentSeeder.SeedAsync(options, docIds, ct);

        var scheduler = new EditScheduler(options.Mode, Metrics);
        var editors = new List<SimulatedEditor>(options.Editors);
        for (int i = 0; i < options.Editors; i++)
            editors.Add(new SimulatedEditor(i, docIds[i % options.Docs], options, Metrics, scheduler.OnAcknowledged));

        using var stopScheduler = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task schedulerLoop = Task.Run(() => scheduler.RunAsync(stopScheduler.Token), CancellationToken.None);
        using var progressStop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        Task progressLoop = ReportProgressAsync(clock, progressStop.Token);
        try
        {
            await RampUpAsync(editors, scheduler, ct);
            TimeSpan? serverCpuBefore = options.ServerPid is int cpuPid ? ProcessCpu.Used(cpuPid) : null;
            Metrics.Measuring = true;
            var measured = Stopwatch.StartNew();
            CpuSample cpuAtStart = CpuSample.Take(options);
            progress.Line($"ramp-up done: {Metrics.ConnectedEditors}/{options.Editors} editors connected; measuring for {options.Duration.TotalSeconds:0.#}s");
            int? killed = null;
            if (options.KillBusiestAfter is TimeSpan killAfter)
            {
                await Task.Delay(killAfter, ct);
                killed = KillOneNode(cpuAtStart);
                await Task.Delay(options.Duration - killAfter, ct);
            }
            else
            {
                await Task.Delay(options.Duration, ct);
            }
            Metrics.Measuring = false;
            measured.Stop();
            TimeSpan? serverCpu = options.ServerPid is int cpuPidAfter && serverCpuBefore is { } cpuBefore
                ? ProcessCpu.Used(cpuPidAfter) - cpuBefore
                : null;
            WindowCpu? cpu = options.CpuPids.Count > 0 || options.DatabasePid is not null
                ? CpuSample.Take(options).Since(cpuAtStart, Interlocked.Read(ref Metrics.MeasuredAcked))
                : null;
            scheduler.Stop();
            await schedulerLoop.WaitAsync(TimeSpan.FromSeconds(10), ct);
            progress.Line("typing stopped; waiting for acks and checking convergence");
            ConvergenceResult convergence = await ConvergenceCheck.RunAsync(options, editors, ct);
            long? rss = options.ServerPid is int pid ? ProcessMemory.ResidentBytes(pid) : null;
            FailoverResult? failover = killed is int victim
                ? await FailoverCheck.RunAsync(options, editors, victim, Metrics.KilledAtTimestamp, ct)
                : null;
            return Summarise(command, startedAt, measured.Elapsed, convergence, rss, serverCpu) with { Cpu = cpu, Failover = failover };
        }
        finally
        {
            scheduler.Stop();
            await progressStop.CancelAsync();
            await progressLoop;
            await Task.WhenAll(editors.Select(async e => await e.DisposeAsync()));
        }
    }

    /// <summary>kill -9 of the node that used the most CPU since the window began (the busiest), or the one named, noting when.</summary>
    private int KillOneNode(CpuSample atStart)
    {
        CpuSample now = CpuSample.Take(options);
        int victim = options.KillNode is int node ? options.CpuPids[node - 1] : options.CpuPids.MaxBy(pid => now.Of(pid) - atStart.Of(pid));
        using (Process process = Process.GetProcessById(victim))
        {
            Interlocked.Exchange(ref Metrics.KilledAtTimestamp, Stopwatch.GetTimestamp());
            process.Kill(); // SIGKILL on Linux: no graceful leave, no hand-off
        }
        // The wall-clock time, to line up with the nodes' logs (unreachable, downed, removed, shards back).
        string which = options.KillNode is int named ? $"node {named}" : "the busiest";
        progress.Line($"killed node pid {victim} (kill -9) at {DateTime.UtcNow:HH:mm:ss.fff} UTC, {which} of {string.Join(", ", options.CpuPids)}");
        return victim;
    }

    private async Task RampUpAsync(List<SimulatedEditor> editors, EditScheduler scheduler, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        var clock = Stopwatch.StartNew();
        var connecting = new List<Task>(editors.Count);
        for (int i = 0; i < editors.Count; i++)
        {
            // Editor i joins at i/N of the ramp-up: a steady arrival of people, not a thundering herd.
            TimeSpan joinAt = options.RampUp * ((double)i / editors.Count);
            TimeSpan wait = joinAt - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            await gate.WaitAsync(ct);
            SimulatedEditor editor = editors[i];
            connecting.Add(Task.Run(async () =>
            {
                try
                {
                    await editor.ConnectAsync(ct);
                    Interlocked.Increment(ref Metrics.ConnectedEditors);
                    if (options.IsTypist(editor.Index)) scheduler.Add(editor);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref Metrics.ConnectFailures);
                    Metrics.RecordError($"editor {editor.Index} could not connect: {e.GetType().Name}: {e.Message}");
                }
                finally
                {
                    gate.Release();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(connecting);
    }

    private async Task ReportProgressAsync(Stopwatch clock, CancellationToken ct)
    {
        long lastEdits = 0, lastAcked = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                long edits = Interlocked.Read(ref Metrics.Edits), acked = Interlocked.Read(ref Metrics.Acked);
                progress.Tick(new ProgressSnapshot(clock.Elapsed, Metrics.Measuring, Metrics.ConnectedEditors, options.Editors,
                    edits - lastEdits, acked - lastAcked, LatencySummary.From(Metrics.AckLatency), LatencySummary.From(Metrics.DeliveryLatency),
                    Interlocked.Read(ref Metrics.Errors), Interlocked.Read(ref Metrics.Reconnects)));
                (lastEdits, lastAcked) = (edits, acked);
                Metrics.Deliveries.Sweep(TimeSpan.FromSeconds(120));
            }
        }
        catch (OperationCanceledException)
        {
            // Run over.
        }
    }

    private LoadResult Summarise(
        string command, DateTimeOffset startedAt, TimeSpan measured, ConvergenceResult convergence, long? rss, TimeSpan? serverCpu)
    {
        double seconds = Math.Max(measured.TotalSeconds, 0.001);
        return new LoadResult
        {
            Label = options.Label,
            Url = options.Url.ToString(),
            Mode = options.Mode.ToString().ToLowerInvariant(),
            Encoding = options.Encoding.ToString(),
            Docs = options.Docs,
            EditorsPerDoc = options.EditorsPerDoc,
            Editors = options.Editors,
            RatePerEditor = options.Rate,
            TargetEditsPerSecond = options.Mode == Options.LoadMode.Open ? options.Typists * options.Rate : null,
            MeasuredSeconds = Math.Round(seconds, 3),
            RampUpSeconds = options.RampUp.TotalSeconds,
            Seed = options.Seed,
            StartedAt = startedAt,
            Command = command,
            ConnectedEditors = Metrics.ConnectedEditors,
            ConnectFailures = Metrics.ConnectFailures,
            Edits = Metrics.Edits,
            EditsPerSecond = Math.Round(Metrics.MeasuredEdits / seconds, 1),
            OpsSent = Metrics.Sent,
            OpsAcked = Metrics.Acked,
            AckedOpsPerSecond = Math.Round(Metrics.MeasuredAcked / seconds, 1),
            RemoteDeliveries = Metrics.Delivered,
            AckLatency = LatencySummary.From(Metrics.AckLatency),
            DeliveryLatency = LatencySummary.From(Metrics.DeliveryLatency),
            SchedulerLag = LatencySummary.From(Metrics.SchedulerLag),
            PresenceSent = Metrics.PresenceSent,
            PresenceReceived = Metrics.PresenceReceived,
            Errors = Metrics.Errors,
            ErrorSamples = Metrics.ErrorSamples,
            Reconnects = Metrics.Reconnects,
            Convergence = convergence,
            ServerRssBytesAtEnd = rss,
            ServerCpuSeconds = serverCpu is { } cpu ? Math.Round(cpu.TotalSeconds, 2) : null,
            ServerCpuMicrosPerAckedOp = serverCpu is { } c && Metrics.MeasuredAcked > 0
                ? Math.Round(c.TotalMicroseconds / Metrics.MeasuredAcked, 1)
                : null,
            Timeline = Metrics.Timeline.Completed(),
            AckHistogram = Metrics.AckLatency.Buckets().Select(b => new HistogramBucket(b.UpperMicros / 1000.0, b.Count)).ToList(),
            DeliveryHistogram = Metrics.DeliveryLatency.Buckets().Select(b => new HistogramBucket(b.UpperMicros / 1000.0, b.Count)).ToList(),
        };
    }
}
