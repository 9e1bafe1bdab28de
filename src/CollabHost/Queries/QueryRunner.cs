using System.Data.Common;
using System.Text.Json;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;
using CollabHost.ReadModel;

namespace CollabHost.Queries;

/// <summary>
/// Runs queries on the read model: parse (<see cref="QueryParser"/>), compile (<see cref="SqlQueryCompiler"/>), run
/// on a pooled connection, each within <see cref="QueryOptions.Timeout"/> (the wait for a turn included) and at most
/// <see cref="QueryOptions.MaxConcurrent"/> at once. A query is a read: a bad or slow one changes nothing.
/// </summary>
public sealed class QueryRunner : IDocumentQueries
{
    private readonly ReadModelDatabase _database;
    private readonly QueryOptions _options;
    private readonly Task _schemaReady;
    private readonly SqlQueryCompiler _compiler;
    private readonly SemaphoreSlim _turns;

    /// <param name="schemaReady">Done when the read model's tables exist (<see cref="ReadModelProjection.SchemaReady"/>).</param>
    public QueryRunner(ReadModelDatabase database, QueryOptions options, Task schemaReady)
    {
        _database = database;
        _options = options;
        _schemaReady = schemaReady;
        _compiler = new SqlQueryCompiler(database.Dialect);
        _turns = new SemaphoreSlim(Math.Max(1, options.MaxConcurrent));
    }

    public async Task<QueryResults> FetchAsync(string collection, JsonText query, IReadOnlyList<DocumentPattern>? readable, CancellationToken cancellation)
    {
        using JsonDocument parsed = JsonDocument.Parse(query.Json);
        return await RunAsync(collection, parsed.RootElement, readable, cancellation);
    }

    public async Task<QueryResults> RunAsync(string collection, JsonElement query, IReadOnlyList<DocumentPattern>? readable, CancellationToken cancellation)
    {
        // Refusals (operators outside the subset, bad values, a $limit over the cap) come before any database work.
        CompiledQuery compiled = _compiler.Compile(QueryParser.Parse(query), collection, readable, _options.MaxResults);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            await _schemaReady.WaitAsync(deadline.Token);
            await _turns.WaitAsync(deadline.Token);
            try
            {
                return await Task.Run(() => Execute(compiled, started, deadline.Token), deadline.Token);
            }
            finally
            {
                _turns.Release();
            }
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested
                                  && (e is DbException db && _database.StoppedForTime(db)
                                      || e is TimeoutException
                                      || deadline.IsCancellationRequested && e is OperationCanceledException or DbException))
        {
            throw new QueryRejectedException(ProtocolErrorCodes.QueryUnavailable,
                $"The query did not finish within {_options.Timeout.TotalSeconds:0.###} s (Collab:Queries:Timeout).");
        }
    }

    private QueryResults Execute(CompiledQuery compiled, System.Diagnostics.Stopwatch started, CancellationToken deadline)
    {
        // The deadline's timer fires on the thread pool, so on a busy host it can come late, after the statement is
        // done: the clock decides whether an answer is late, the token only stops a statement early.
        void ThrowIfLate()
        {
            deadline.ThrowIfCancellationRequested();
            if (started.Elapsed > _options.Timeout) throw new TimeoutException();
        }

        using DbConnection connection = _database.Open();
        using DbTransaction? transaction = _database.BeginQuery(connection, _options.Timeout - started.Elapsed);
        using DbCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = compiled.Sql;
        foreach ((string name, object value) in compiled.Parameters) ReadModelDatabase.Add(command, name, value);
        using IDisposable stop = _database.StopOnCancel(connection, command, deadline);
        ThrowIfLate();
        if (compiled.Count)
        {
            long count = Convert.ToInt64(command.ExecuteScalar());
            // A cancel that came before the statement's first step is lost on SQLite (sqlite3_interrupt stops only
            // running statements), so a query can run past its time: its answer is late, and refused as late.
            ThrowIfLate();
            return new QueryResults([], count);
        }

        var documents = new List<QueriedDocument>();
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (compiled.Cap is { } cap && documents.Count == cap)
                throw new QueryRejectedException(ProtocolErrorCodes.QueryTooLarge,
                    $"The query matches more than {cap} documents (Collab:Queries:MaxResults); add a $limit and page with $skip.");
            string id = reader.GetString(0);
            var snapshot = new WireSnapshot(reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            documents.Add(new QueriedDocument(id, snapshot, reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.GetInt64(5)));
        }
        ThrowIfLate();
        return new QueryResults(documents, null);
    }
}
