using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using CollabHost.Queries;
using CollabHost.ReadModel;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Queries;

/// <summary>
/// The plans the databases make for compiled queries: the orders apps list documents in are read from the read
/// model's indexes, not sorted from every row of the collection (bench/CollabQueryBench measures what that is worth
/// at 100,000 documents, docs/benchmarks.md).
/// </summary>
public sealed class QueryPlanTests
{
    private const int Rows = 5_000;

    /// <summary>A PostgreSQL Sort node (not an Incremental Sort, which sorts only runs of equal leading keys).</summary>
    private static readonly Regex FullSort = new(@"(?<!Incremental )Sort  \(");

    /// <summary>A read model of <see cref="Rows"/> json0 documents, a third of them open, with their statistics gathered.</summary>
    private static ReadModelDatabase Seed(JournalStore store)
    {
        ReadModelDatabase database = ReadModelDatabase.For(JournalSetup.JournalConfig(new CollabOptions
        {
            DataDir = store.DataDir,
            Journal = new JournalOptions { Provider = store.Provider, ConnectionString = store.ConnectionString },
        }));
        using DbConnection connection = database.OpenProjector();
        database.EnsureSchema(connection);
        var random = new Random(18);
        // One write of every row, from the empty read model's position 0.
        Assert.True(database.Write(connection, Enumerable.Range(0, Rows).Select(i =>
        {
            string data = $$"""{"status":"{{(i % 3 == 0 ? "open" : "done")}}","n":{{i}}}""";
            long mtime = 1_700_000_000_000 + random.Next(1_000_000_000);
            return new DocumentRow("tasks", "t" + i, "http://sharejs.org/types/JSONv0", 1, mtime, mtime, i + 1, data, data);
        }).ToList(), from: 0, to: Rows));
        if (store.Provider == JournalStore.PostgreSql)
        {
            using DbCommand analyze = connection.CreateCommand();
            analyze.CommandText = $"ANALYZE {ReadModelDatabase.DocumentsTable}";
            analyze.ExecuteNonQuery();
        }
        return database;
    }

    private static string Plan(ReadModelDatabase database, string query)
    {
        using JsonDocument json = JsonDocument.Parse(query);
        CompiledQuery compiled = new SqlQueryCompiler(database.Dialect).Compile(QueryParser.Parse(json.RootElement), "tasks", null, 1000);
        using DbConnection connection = database.Open();
        using DbCommand command = connection.CreateCommand();
        bool sqlite = database.Dialect is SqliteDialect;
        command.CommandText = (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + compiled.Sql;
        foreach ((string name, object value) in compiled.Parameters) ReadModelDatabase.Add(command, name, value);
        var lines = new List<string>();
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read()) lines.Add(reader.GetString(sqlite ? 3 : 0));
        return string.Join("\n", lines);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public void Newest_first_reads_the_mtime_index_in_order_instead_of_sorting_the_collection(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        ReadModelDatabase database = Seed(store);
        foreach (string query in new[] { """{"$sort":{"_m.mtime":-1},"$limit":50}""", """{"status":"open","$sort":{"_m.mtime":-1},"$limit":50}""" })
        {
            string plan = Plan(database, query);
            if (provider == JournalStore.Sqlite)
            {
                // Ties in mtime are sorted among themselves ("LAST TERM"); the whole collection is not ("FOR ORDER BY").
                Assert.True(plan.Contains("USING INDEX collab_documents_mtime") && !plan.Contains("TEMP B-TREE FOR ORDER BY"), $"{query}:\n{plan}");
            }
            else
            {
                // An incremental sort of the rows with equal mtime is fine; a sort of every match is not.
                Assert.True(plan.Contains("Index Scan Backward using collab_documents_mtime") && !FullSort.IsMatch(plan), $"{query}:\n{plan}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public void A_count_is_not_sorted(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        ReadModelDatabase database = Seed(store);
        foreach (string query in new[] { """{"status":"open","$count":true}""", """{"status":"open","$sort":{"n":1},"$skip":10,"$limit":20,"$count":true}""" })
        {
            string plan = Plan(database, query);
            Assert.True(provider == JournalStore.Sqlite ? !plan.Contains("TEMP B-TREE") : !plan.Contains("Sort"), $"{query}:\n{plan}");
        }
    }
}
