using System.Data.Common;
using Akka.Persistence.Sql.Config;
using CollabHost.Queries;
using Npgsql;

namespace CollabHost.ReadModel;

/// <summary>The read model in the journal's PostgreSQL database: data as jsonb; one projector per database, by an advisory lock.</summary>
public sealed class PostgreSqlReadModelDatabase(JournalConfig journal) : ReadModelDatabase(journal)
{
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

    /// <summary>synchronous_commit off for this session only: its commits do not wait for the WAL flush (the journal's do).</summary>
    public override DbConnection OpenProjector()
    {
        DbConnection connection = Open(pooled: false);
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

    protected override string DataAsText => "data::text";

    protected override string DataParameter => "CAST(@data AS jsonb)";

    protected override string JsonColumnType => "JSONB";
}
