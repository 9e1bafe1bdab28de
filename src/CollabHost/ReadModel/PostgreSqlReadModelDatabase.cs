using System.Data.Common;
using Akka.Persistence.Sql.Config;
using CollabActors.Documents;
using CollabHost.Queries;
using Npgsql;
using NpgsqlTypes;

namespace CollabHost.ReadModel;

/// <summary>
/// The read model in the journal's PostgreSQL database: data as jsonb; one projector per database, by an advisory lock.
/// Every statement is a round trip to the server, so the projector's batch reads its documents' rows in one statement
/// and writes them with the position in one, both from arrays (unnest), prepared on its connection.
/// </summary>
public sealed class PostgreSqlReadModelDatabase(JournalConfig journal) : ReadModelDatabase(journal)
{
    /// <summary>
    /// Statements the projector's connection keeps prepared on the server (Npgsql's automatic preparation, for that
    /// connection only): it runs the same few statements (journal read, rows read, write) every batch for as long as
    /// it holds the lock, and a prepared one skips the server's parse and plan each time.
    /// </summary>
    private const int ProjectorPreparedStatements = 16;

    /// <summary>
    /// The projector's advisory lock: this key with the hash of the schema the tables are in (a database may hold
    /// several deployments' tables, one per schema). Every node of a cluster tries it, one holds it.
    /// </summary>
    private const int ProjectorLockKey = 0x636F6C6C; // "coll"

    public override string Name => JournalOptions.PostgreSql;

    public override SqlDialect Dialect => PostgreSqlDialect.Instance;

    public override DbConnection Open(bool pooled = true)
    {
        // The projector's connection is its own: its advisory lock must end with it, not go back to the pool.
        string connectionString = pooled ? ConnectionString : new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString();
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// The projector's session as <c>pg_stat_activity</c> names it (its <c>application_name</c>), or the connection
    /// string's Application Name followed by <c>/read-model</c>.
    /// </summary>
    public const string ProjectorApplicationName = "collab-read-model";

    /// <summary>
    /// synchronous_commit off for this session only: its commits do not wait for the WAL flush (the journal's do). Its
    /// statements are prepared after their second use (<see cref="ProjectorPreparedStatements"/>).
    /// </summary>
    public override DbConnection OpenProjector()
    {
        var settings = new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            Pooling = false,
            MaxAutoPrepare = ProjectorPreparedStatements,
            AutoPrepareMinUsages = 2,
        };
        settings.ApplicationName = settings.ApplicationName is { Length: > 0 } name ? name + "/read-model" : ProjectorApplicationName;
        var connection = new NpgsqlConnection(settings.ToString());
        connection.Open();
        using DbCommand set = Command(connection, null, "SET synchronous_commit TO off");
        set.ExecuteNonQuery();
        return connection;
    }

    /// <summary>A session-level advisory lock: released when the connection closes, so a node that dies lets another project.</summary>
    public override bool TryLockProjector(DbConnection connection)
    {
        using DbCommand command = Command(connection, null, "SELECT pg_try_advisory_lock(@key, hashtext(current_schema()))");
        Add(command, "@key", ProjectorLockKey);
        return command.ExecuteScalar() is true;
    }

    /// <summary>
    /// The server's own statement_timeout for this transaction only (set_config with is_local): the query is stopped
    /// by PostgreSQL when its time is up, whatever the client's threads are doing.
    /// </summary>
    public override DbTransaction? BeginQuery(DbConnection connection, TimeSpan timeLeft)
    {
        DbTransaction transaction = connection.BeginTransaction();
        using DbCommand limit = Command(connection, transaction, "SELECT set_config('statement_timeout', @ms, true)");
        Add(limit, "@ms", Math.Max(1, (long)Math.Ceiling(timeLeft.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        limit.ExecuteScalar();
        return transaction;
    }

    /// <summary>57014 query_canceled: statement_timeout, or Npgsql's cancel.</summary>
    public override bool StoppedForTime(DbException exception) => exception is PostgresException { SqlState: "57014" };

    /// <summary>Npgsql's cancel: the server stops the statement (query_canceled).</summary>
    public override IDisposable StopOnCancel(DbConnection connection, DbCommand command, CancellationToken cancellation) =>
        cancellation.Register(() =>
        {
            try
            {
                command.Cancel();
            }
            catch (Exception)
            {
                // The statement ended meanwhile, or the connection broke: either way it is not running any more.
            }
        });

    /// <summary>The rows of all the documents in one statement (the document's collection and id in two arrays).</summary>
    public override Dictionary<DocumentId, DocumentRow?> ReadDocuments(DbConnection connection, IReadOnlyCollection<DocumentId> documents)
    {
        var rows = new Dictionary<DocumentId, DocumentRow?>(documents.Count);
        foreach (DocumentId document in documents) rows[document] = null;
        if (documents.Count == 0) return rows;
        using var read = (NpgsqlCommand)Command(connection, null,
            $"SELECT {DocumentColumns} FROM {DocumentsTable} WHERE (collection, id) IN (SELECT * FROM unnest(@c, @d))");
        read.Parameters.Add(TextArray("@c", [.. documents.Select(d => d.Collection)]));
        read.Parameters.Add(TextArray("@d", [.. documents.Select(d => d.Id)]));
        using DbDataReader reader = read.ExecuteReader();
        while (reader.Read())
        {
            DocumentRow row = DocumentRowAt(reader);
            rows[new DocumentId(row.Collection, row.Id)] = row;
        }
        return rows;
    }

    /// <summary>
    /// One statement, one round trip, atomic by itself (no BEGIN and COMMIT of its own): the position moves, and only
    /// if it was at <paramref name="from"/> are the rows upserted, all from arrays (one Bind whatever their number).
    /// </summary>
    public override bool Write(DbConnection connection, IReadOnlyCollection<DocumentRow> rows, long from, long to)
    {
        using var write = (NpgsqlCommand)Command(connection, null,
            $"WITH moved AS (UPDATE {PositionTable} SET position = @to WHERE name = 'documents' AND position = @from RETURNING 1), " +
            $"upserted AS (INSERT INTO {DocumentsTable} (collection, id, type, version, ctime, mtime, created_order, stored, data) " +
            "SELECT r.collection, r.id, r.type, r.version, r.ctime, r.mtime, r.created_order, r.stored, CAST(r.data AS jsonb) " +
            "FROM unnest(@c, @d, @type, @v, @ctime, @mtime, @order, @stored, @data) " +
            "AS r(collection, id, type, version, ctime, mtime, created_order, stored, data) " +
            $"WHERE EXISTS (SELECT 1 FROM moved) {UpsertConflictClause}) " +
            "SELECT count(*) FROM moved");
        write.Parameters.Add(new NpgsqlParameter<long>("@to", to));
        write.Parameters.Add(new NpgsqlParameter<long>("@from", from));
        write.Parameters.Add(TextArray("@c", [.. rows.Select(r => r.Collection)]));
        write.Parameters.Add(TextArray("@d", [.. rows.Select(r => r.Id)]));
        write.Parameters.Add(TextArray("@type", [.. rows.Select(r => r.Type)]));
        write.Parameters.Add(BigintArray("@v", [.. rows.Select(r => (long?)r.Version)]));
        write.Parameters.Add(BigintArray("@ctime", [.. rows.Select(r => r.CreatedMs)]));
        write.Parameters.Add(BigintArray("@mtime", [.. rows.Select(r => (long?)r.ModifiedMs)]));
        write.Parameters.Add(BigintArray("@order", [.. rows.Select(r => (long?)r.CreatedOrder)]));
        write.Parameters.Add(TextArray("@stored", [.. rows.Select(r => r.Stored)]));
        write.Parameters.Add(TextArray("@data", [.. rows.Select(r => r.Data)]));
        return Convert.ToInt64(write.ExecuteScalar()) == 1;
    }

    private static NpgsqlParameter<string?[]> TextArray(string name, string?[] values) =>
        new(name, values) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static NpgsqlParameter<long?[]> BigintArray(string name, long?[] values) =>
        new(name, values) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint };

    protected override string DataAsText => "data::text";

    protected override string JsonColumnType => "JSONB";
}
