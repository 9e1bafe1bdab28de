using System.Data.Common;
using Akka.Persistence.Sql.Config;
using CollabHost.Persistence;
using CollabHost.Queries;
using Microsoft.Data.Sqlite;

namespace CollabHost.ReadModel;

/// <summary>The read model in the journal's SQLite file: data as JSON text, read with SQLite's JSON functions.</summary>
public sealed class SqliteReadModelDatabase(JournalConfig journal) : ReadModelDatabase(journal)
{
    public override string Name => JournalOptions.Sqlite;

    public override SqlDialect Dialect => SqliteDialect.Instance;

    public override DbConnection Open(bool pooled = true)
    {
        var connection = new SqliteConnection(pooled ? ConnectionString : new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        using DbCommand pragma = Command(connection, null, "PRAGMA busy_timeout = 30000;");
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>synchronous = NORMAL: in WAL mode a commit does not fsync (the checkpoint does); the journal's own connection stays FULL.</summary>
    public override DbConnection OpenProjector()
    {
        DbConnection connection = Open(pooled: false);
        using DbCommand pragma = Command(connection, null, "PRAGMA synchronous = NORMAL;");
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>SQLite serves one node (a cluster needs PostgreSQL), so there is no other projector to keep out.</summary>
    public override bool TryLockProjector(DbConnection connection) => true;

    /// <summary>SQLITE_INTERRUPT (9): sqlite3_interrupt stopped it.</summary>
    public override bool StoppedForTime(DbException exception) => exception is SqliteException { SqliteErrorCode: 9 };

    /// <summary>sqlite3_interrupt: the running statement ends at its next step with SQLITE_INTERRUPT (safe from any thread).</summary>
    public override IDisposable StopOnCancel(DbConnection connection, DbCommand command, CancellationToken cancellation)
    {
        var sqlite = (SqliteConnection)connection;
        return cancellation.Register(() => SQLitePCL.raw.sqlite3_interrupt(sqlite.Handle));
    }

    /// <summary>
    /// One transaction: the position's UPDATE, then the rows' upsert on SQLitePCL's own calls (<see cref="SqliteStatement"/>),
    /// not a command's parameters: a pass writes every document changed since the last one, whole, and a command's
    /// binders and UTF-8 copies of the texts were a few percent of what the host allocated per op (docs/benchmarks.md,
    /// "The read model's upsert without Microsoft.Data.Sqlite's command").
    /// </summary>
    public override bool Write(DbConnection connection, IReadOnlyCollection<DocumentRow> rows, long from, long to)
    {
        using DbTransaction transaction = connection.BeginTransaction();
        using (DbCommand save = Command(connection, transaction, $"UPDATE {PositionTable} SET position = @to WHERE name = 'documents' AND position = @from"))
        {
            Add(save, "@to", to);
            Add(save, "@from", from);
            if (save.ExecuteNonQuery() != 1)
            {
                transaction.Rollback();
                return false;
            }
        }
        if (rows.Count > 0) Upsert((SqliteConnection)connection, rows);
        transaction.Commit();
        return true;
    }

    private void Upsert(SqliteConnection connection, IReadOnlyCollection<DocumentRow> rows)
    {
        using var upsert = new SqliteStatement(connection,
            $"INSERT INTO {DocumentsTable} (collection, id, type, version, ctime, mtime, created_order, stored, data) " +
            $"VALUES (@c, @d, @type, @v, @ctime, @mtime, @order, @stored, @data) {UpsertConflictClause}");
        int c = upsert.Parameter("@c"), d = upsert.Parameter("@d"), type = upsert.Parameter("@type"), v = upsert.Parameter("@v"),
            ctime = upsert.Parameter("@ctime"), mtime = upsert.Parameter("@mtime"), order = upsert.Parameter("@order"),
            stored = upsert.Parameter("@stored"), data = upsert.Parameter("@data");
        foreach (DocumentRow row in rows)
        {
            upsert.Bind(c, row.Collection);
            upsert.Bind(d, row.Id);
            upsert.Bind(type, row.Type);
            upsert.Bind(v, row.Version);
            upsert.Bind(ctime, row.CreatedMs);
            upsert.Bind(mtime, row.ModifiedMs);
            upsert.Bind(order, row.CreatedOrder);
            upsert.Bind(stored, row.Stored);
            upsert.Bind(data, row.Data);
            upsert.Run();
        }
    }

    protected override string DataAsText => "data";

    protected override string JsonColumnType => "TEXT";
}
