using System.Data.Common;
using System.Diagnostics;
using Akka.Actor;
using CollabHost.ReadModel;

namespace CollabQueryBench;

/// <summary>What one store measured: the seeding, the projector's catch-up, each shape's plan and latency, the write windows.</summary>
public sealed record StoreReport(
    string Store, int Documents, long Events, double SeedSeconds, double CatchUpSeconds, double CatchUpCpuSeconds, double? CatchUpPostgresCpuSeconds,
    IReadOnlyList<(QueryShape Shape, IReadOnlyList<string> Plan)> Plans, IReadOnlyList<ShapeLatency> Latencies, IReadOnlyList<WriteWindow> Writes);

/// <summary>
/// Issue 18's benchmark on one store: seed the corpus into the journal through the journal plugin, let the real
/// projector build the read model from it (timed: the catch-up rate), then time the query shapes and explain their
/// plans, then measure the write cost with the read model on and off. Everything it prints goes to <paramref name="log"/>.
/// </summary>
public sealed class QueryBench(BenchOptions options, TextWriter log)
{
    public async Task<StoreReport> RunAsync(BenchStore store)
    {
        log.WriteLine($"\n== {store.Provider}: {options.Documents:N0} documents (load average {Machine.LoadAverage()})");
        var corpus = new TaskCorpus(options.Documents);
        int writers = Math.Min(options.Writers, options.Documents);
        int stride = Math.Max(1, options.Documents / Math.Max(1, writers));
        var written = new List<CorpusDocument>();

        // 1. The journal, through the host's journal plugin in bulk.
        var seeding = Stopwatch.StartNew();
        long events;
        using (ActorSystem system = store.JournalSystem())
        {
            events = await CorpusJournal.WriteAsync(system, corpus.Documents().Select((d, i) =>
            {
                if (i % stride == 0 && written.Count < writers) written.Add(d);
                return d;
            }));
            await system.Terminate();
        }
        double seedSeconds = seeding.Elapsed.TotalSeconds;
        log.WriteLine($"seed: {options.Documents:N0} documents, {events:N0} events written through the journal plugin in {seedSeconds:F1} s " +
                      $"({events / seedSeconds:N0} events/s)");

        // 2. The read model from that journal by the real projector, from scratch (what rebuild-read-model does), on
        //    the projector's own connection, whose PostgreSQL backend is read for its CPU.
        ReadModelDatabase database = store.ReadModel();
        (long documents, TimeSpan took, double catchUpCpu, double? catchUpPg) = CatchUp(database);
        if (documents != options.Documents) throw new InvalidOperationException($"The read model holds {documents} documents, not {options.Documents}.");
        log.WriteLine($"catch-up: the projector read {events:N0} events into {documents:N0} rows in {took.TotalSeconds:F1} s = {events / took.TotalSeconds:N0} events/s " +
                      $"({documents / took.TotalSeconds:N0} documents/s); bench process CPU {catchUpCpu:F1} s = {catchUpCpu * 1e6 / events:F0} µs/event" +
                      (catchUpPg is { } p ? $", its PostgreSQL backend {p:F1} s = {p * 1e6 / events:F0} µs/event" : ""));
        if (store.IsPostgreSql)
        {
            // What autovacuum does after a bulk load; the planner's row estimates come from it.
            Execute(database, $"ANALYZE {ReadModelDatabase.DocumentsTable}");
            log.WriteLine("ANALYZE collab_documents (as autovacuum would after the load)");
        }

        // 3. Plans and latencies.
        var plans = new List<(QueryShape, IReadOnlyList<string>)>();
        foreach (QueryShape shape in QueryShapes.All)
        {
            IReadOnlyList<string> plan = QueryPlans.Explain(database, shape);
            plans.Add((shape, plan));
            log.WriteLine($"plan of '{shape.Name}' {shape.Json}:");
            foreach (string line in plan) log.WriteLine("    " + line);
        }
        var latencies = new List<ShapeLatency>();
        foreach (QueryShape shape in QueryShapes.All)
        {
            ShapeLatency latency = await QueryLatency.MeasureAsync(database, shape, options.Warmup, options.Runs);
            latencies.Add(latency);
            log.WriteLine($"query '{shape.Name}': {latency.Latency} after {options.Warmup} warm-up runs; " +
                          (latency.Count is { } n ? $"count {n}" : $"{latency.Ids.Count} documents") + $" (load average {Machine.LoadAverage()})");
        }

        // 4. Write cost, read model on and off in turn.
        var writes = new List<WriteWindow>();
        var workload = new WriteCost(store, written, options.WriteRate);
        for (int round = 0; round < options.WriteRounds; round++)
        {
            foreach (bool readModel in new[] { true, false })
            {
                string loadBefore = Machine.LoadAverage();
                WriteWindow window = await workload.MeasureAsync(readModel, TimeSpan.FromSeconds(options.WriteWarmupSeconds), TimeSpan.FromSeconds(options.WriteSeconds));
                writes.Add(window);
                log.WriteLine($"write: {window} (load average {loadBefore} → {Machine.LoadAverage()})");
            }
        }
        return new StoreReport(store.Provider, options.Documents, events, seedSeconds, took.TotalSeconds, catchUpCpu, catchUpPg, plans, latencies, writes);
    }

    private static (long Documents, TimeSpan Took, double Cpu, double? PostgresCpu) CatchUp(ReadModelDatabase database)
    {
        using DbConnection connection = database.OpenProjector();
        if (!database.TryLockProjector(connection)) throw new InvalidOperationException("Another projector holds the lock.");
        database.Reset(connection);
        int? backend = null;
        if (database.Dialect is CollabHost.Queries.PostgreSqlDialect)
        {
            using DbCommand pid = connection.CreateCommand();
            pid.CommandText = "SELECT pg_backend_pid()";
            backend = Convert.ToInt32(pid.ExecuteScalar());
        }
        double pg0 = backend is { } b0 ? CpuMeter.Process(b0) : 0;
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        new ReadModelProjector(database, (what, cause) => throw new InvalidOperationException(what, cause)).CatchUp(connection);
        TimeSpan took = clock.Elapsed;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        double? pg = backend is { } b1 ? CpuMeter.Process(b1) - pg0 : null;
        using DbCommand count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {ReadModelDatabase.DocumentsTable}";
        return (Convert.ToInt64(count.ExecuteScalar()), took, cpu, pg);
    }

    private static void Execute(ReadModelDatabase database, string sql)
    {
        using DbConnection connection = database.Open();
        using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
