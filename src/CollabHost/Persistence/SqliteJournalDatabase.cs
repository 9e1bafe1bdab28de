using Akka.Persistence.Sql.Config;
using CollabActors.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static CollabHost.Persistence.JournalSql;

namespace CollabHost.Persistence;

/// <summary>
/// SQLite for the <see cref="JournalWriter"/>: one open connection, one prepared INSERT run once per row, one
/// BEGIN IMMEDIATE transaction per queue drain (one fsync of the WAL), begun and committed by <see cref="SqliteWriteLock"/>.
/// </summary>
internal sealed class SqliteJournalDatabase : IJournalDatabase
{
    private readonly string _connectionString;
    private readonly string _insertRowSql;
    private readonly string _insertTagSql;
    private readonly string _dropUnqueriedIndexesSql;
    private readonly bool _withWriterUuid;
    private readonly string? _writerUuid;

    // Dropped after any failed transaction and opened again for the next one.
    private SqliteConnection? _connection;
    private SqlitePreparedInsert? _insert;

    public SqliteJournalDatabase(JournalConfig config, string? writerUuid)
    {
        RequireTagTable(config, "SQLite");
        // Our own connection, not from the pool: it stays open for the life of the journal.
        _connectionString = new SqliteConnectionStringBuilder(config.ConnectionString) { Pooling = false }.ToString();
        _writerUuid = writerUuid;

        var sql = new JournalSql(config);
        JournalTableColumnNames columns = sql.Columns;
        bool withWriterUuid = _withWriterUuid = sql.WithWriterUuid;
        // `ordering` is the rowid (AUTOINCREMENT) and left to SQLite; `deleted` is false (0, as linq2db writes it).
        _insertRowSql =
            $"INSERT INTO {sql.JournalTable} " +
            $"({Quote(columns.Created)}, {Quote(columns.Deleted)}, {Quote(columns.PersistenceId)}, {Quote(columns.SequenceNumber)}, " +
            $"{Quote(columns.Message)}, {Quote(columns.Manifest)}, {Quote(columns.Identifier)}" +
            (withWriterUuid ? $", {Quote(columns.WriterUuid)}" : "") +
            ") VALUES ($created, 0, $persistenceId, $sequenceNumber, $message, $manifest, $identifier" +
            (withWriterUuid ? ", $writerUuid" : "") +
            ")";
        _dropUnqueriedIndexesSql = string.Concat(sql.UnqueriedIndexes.Select(index => $"DROP INDEX IF EXISTS {index};"));
        TagTableColumnNames tagColumns = sql.TagColumns;
        _insertTagSql =
            $"INSERT INTO {sql.TagTable} " +
            $"({Quote(tagColumns.OrderingId)}, {Quote(tagColumns.Tag)}, {Quote(tagColumns.SequenceNumber)}, {Quote(tagColumns.PersistenceId)}) " +
            "VALUES ($ordering, $tag, $sequenceNumber, $persistenceId)";
    }

    public void Commit(IReadOnlyList<JournalWriteRequest> requests)
    {
        try
        {
            SqlitePreparedInsert insert = _insert ??= Open();
            sqlite3 db = _connection!.Handle!;
            CollabMetrics.RecordJournalLockWait(SqliteWriteLock.Begin(db, SqliteWriteLock.Timeout));
            foreach (JournalWriteRequest request in requests)
            {
                foreach (JournalEvent journalEvent in request.Events) insert.Insert(journalEvent, _writerUuid);
            }
            SqliteWriteLock.Commit(db);
        }
        catch
        {
            // Closing the connection rolls back whatever the failed transaction wrote.
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }

    private SqlitePreparedInsert Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using (SqliteCommand pragma = connection.CreateCommand())
            {
                // WAL is already the file's mode (JournalSetup). synchronous = FULL is SQLite's default, said here
                // because acks depend on it: a commit returns only after the WAL is fsync'd, so an acked op survives
                // a power cut (NORMAL would not sync at commit in WAL mode).
                // busy_timeout while opening: SQLite's own busy handler waits for a schema lock here. Set to 0 below,
                // once the connection is ready: SqliteWriteLock waits for the write lock itself, in 1 ms steps.
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
                pragma.ExecuteNonQuery();
            }
            using (SqliteCommand drop = connection.CreateCommand())
            {
                // The plugin creates these at every start (auto-initialize), and its journal stashes every write until
                // that is done, so by the writer's first commit they exist and nothing recreates them. Dropped, each row
                // touches the table and journal_uq only: the journal's thread spent 11-16 µs less per op at 2,000 ops/s
                // (docs/benchmarks.md, "The plugin's two other journal indexes").
                drop.CommandText = _dropUnqueriedIndexesSql;
                drop.ExecuteNonQuery();
            }
            raw.sqlite3_busy_timeout(connection.Handle!, 0);
            _connection = connection;
            return new SqlitePreparedInsert(connection, _insertRowSql, _insertTagSql, _withWriterUuid);
        }
        catch
        {
            connection.Dispose();
            _connection = null;
            throw;
        }
    }
}
