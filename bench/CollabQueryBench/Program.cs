using CollabQueryBench;

// Issue 18's query figures for docs/benchmarks.md ("Queries (issue 18)").
BenchOptions options = BenchOptions.Parse(args);
Console.WriteLine("reproduce: " + options.Reproduce());
Console.WriteLine($"machine at start: {Machine.Describe()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
var reports = new List<StoreReport>();
var bench = new QueryBench(options, Console.Out);
if (options.Sqlite)
{
    using BenchStore store = BenchStore.Sqlite();
    reports.Add(await bench.RunAsync(store));
}
if (options.Postgres is { } postgres)
{
    using BenchStore store = BenchStore.PostgreSql(postgres);
    reports.Add(await bench.RunAsync(store));
}
Console.WriteLine();
Report.Write(reports, Console.Out);
Console.WriteLine($"\nmachine at end: load average {Machine.LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
