using System.Data.Common;
using System.Text.Json;
using CollabHost;
using CollabHost.Queries;
using CollabHost.ReadModel;

namespace CollabQueryBench;

/// <summary>
/// The database's plan for a shape's compiled SQL, with the same parameters: SQLite's <c>EXPLAIN QUERY PLAN</c>,
/// PostgreSQL's <c>EXPLAIN</c>. Tells whether an index serves the order, or every row of the collection is read and sorted.
/// </summary>
public static class QueryPlans
{
    public static IReadOnlyList<string> Explain(ReadModelDatabase database, QueryShape shape)
    {
        using JsonDocument query = JsonDocument.Parse(shape.Json);
        CompiledQuery compiled = new SqlQueryCompiler(database.Dialect)
            .Compile(QueryParser.Parse(query.RootElement), TaskCorpus.Collection, null, new QueryOptions().MaxResults);
        using DbConnection connection = database.Open();
        using DbCommand command = connection.CreateCommand();
        bool sqlite = database.Dialect is SqliteDialect;
        command.CommandText = (sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN ") + compiled.Sql;
        foreach ((string name, object value) in compiled.Parameters) ReadModelDatabase.Add(command, name, value);
        var lines = new List<string>();
        using DbDataReader reader = command.ExecuteReader();
        // SQLite: (id, parent, notused, detail); PostgreSQL: one text column per line.
        while (reader.Read()) lines.Add(sqlite ? $"{reader.GetInt32(0)}<{reader.GetInt32(1)} {reader.GetString(3)}" : reader.GetString(0));
        return lines;
    }
}
