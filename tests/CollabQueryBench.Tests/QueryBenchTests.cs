using System.Text.Json.Nodes;
using CollabHost;
using Xunit.Abstractions;

namespace CollabQueryBench.Tests;

/// <summary>
/// The query benchmark end to end at a small size on both databases, so it cannot rot: it seeds, projects, plans,
/// times every shape and measures the write cost, and what its queries returned is what the same queries give when
/// evaluated directly over the corpus it wrote.
/// </summary>
public sealed class QueryBenchTests(ITestOutputHelper output)
{
    /// <summary>Enough documents that every shape has results, $skip 1000 of the open ones included.</summary>
    private const int Documents = 4_500;

    public static TheoryData<string> Stores => new() { JournalOptions.Sqlite, JournalOptions.PostgreSql };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_small_run_answers_every_shape_as_the_corpus_does_and_measures_both_write_settings(string provider)
    {
        var options = new BenchOptions
        {
            Documents = Documents, Runs = 3, Warmup = 1, Writers = 4, WriteRate = 5, WriteWarmupSeconds = 1, WriteSeconds = 2, WriteRounds = 1,
        };
        var log = new StringWriter();
        StoreReport report;
        using (BenchStore store = provider == JournalOptions.Sqlite ? BenchStore.Sqlite() : BenchStore.PostgreSql(Postgres()))
        {
            report = await new QueryBench(options, log).RunAsync(store);
        }
        Report.Write([report], log);
        output.WriteLine(log.ToString());

        List<Expected> corpus = new TaskCorpus(Documents).Documents().Select((d, i) => Expected.Of(d, i)).ToList();
        Assert.Equal(corpus.Sum(d => d.Events), report.Events);
        IEnumerable<Expected> open = corpus.Where(d => d.Status == "open");
        IEnumerable<Expected> newestFirst = open.OrderByDescending(d => d.ModifiedMs).ThenBy(d => d.Order);
        var expected = new Dictionary<QueryShape, (IReadOnlyList<string> Ids, long? Count)>
        {
            [QueryShapes.OpenNewestFirst] = (newestFirst.Take(50).Select(d => d.Id).ToList(), null),
            [QueryShapes.OwnerByPriority] = (corpus.Where(d => d.Owner == QueryShapes.BusyOwner)
                .OrderByDescending(d => d.Priority).ThenBy(d => d.Order).Take(50).Select(d => d.Id).ToList(), null),
            [QueryShapes.CountOpen] = ([], open.Count()),
            [QueryShapes.OpenPage21] = (newestFirst.Skip(1000).Take(50).Select(d => d.Id).ToList(), null),
            [QueryShapes.AllNewestFirst] = (corpus.OrderByDescending(d => d.ModifiedMs).ThenBy(d => d.Order).Take(50).Select(d => d.Id).ToList(), null),
        };
        Assert.Equal(QueryShapes.All.Count, report.Latencies.Count);
        foreach (ShapeLatency measured in report.Latencies)
        {
            (IReadOnlyList<string> ids, long? count) = expected[measured.Shape];
            Assert.True(count is not null || ids.Count > 0, $"{measured.Shape.Name}: the corpus is too small to have results");
            Assert.True(ids.SequenceEqual(measured.Ids), $"{measured.Shape.Name}: expected [{string.Join(", ", ids)}], got [{string.Join(", ", measured.Ids)}]");
            Assert.True(count == measured.Count, $"{measured.Shape.Name}: expected count {count}, got {measured.Count}");
            Assert.Equal(options.Runs, measured.Latency.Runs);
            Assert.NotEmpty(report.Plans.Single(p => p.Shape == measured.Shape).Plan);
        }

        Assert.Equal([true, false], report.Writes.Select(w => w.ReadModel));
        Assert.All(report.Writes, w => Assert.True(w.Ops > 0 && w.HostCpu > 0, w.ToString()));
        Assert.Equal(provider == JournalOptions.PostgreSql, report.Writes.All(w => w.PostgresCpu is not null));
        Assert.Contains("| store | read model | ops/s | host CPU µs/op", log.ToString());
    }

    private static string Postgres() =>
        Environment.GetEnvironmentVariable("COLLAB_TEST_POSTGRES") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("COLLAB_TEST_POSTGRES is not set: run ./test.sh (it starts PostgreSQL) or set it to a test database's connection string.");

    /// <summary>A corpus document's fields as the shapes read them, and its place in creation order.</summary>
    private sealed record Expected(string Id, int Order, int Events, string Status, string Owner, int Priority, long ModifiedMs)
    {
        public static Expected Of(CorpusDocument document, int order)
        {
            JsonObject data = JsonNode.Parse(document.Data)!.AsObject();
            return new Expected(document.Id.Id, order, document.History.Count, data["status"]!.GetValue<string>(),
                data["owner"]!.GetValue<string>(), data["priority"]!.GetValue<int>(), document.ModifiedMs);
        }
    }
}
