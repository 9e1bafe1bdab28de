using System.Collections.Concurrent;
using Akka.Event;
using Akka.Persistence.Sql.Config;
using Microsoft.Data.Sqlite;

namespace CollabHost.Persistence;

/// <summary>
/// The one thread that inserts journal rows into SQLite: it takes every write waiting in its queue, inserts them with
/// one prepared statement on one open connection, and commits them in one transaction (one fsync of the WAL).
/// </summary>
/// <remarks>
/// SQLite has a single writer per database, so one thread loses nothing to concurrency and saves what the plugin's
/// path costs per batch: a stream stage, a linq2db connection clone, a multi-row INSERT built as text and parsed anew,
/// async wrappers over a synchronous driver, and up to three transactions queueing for the same lock.
/// The rows are those Akka.Persistence.Sql writes (same table, columns and values), so its read side replays them.
/// </remarks>
public sealed class SqliteJournalWriter : IDisposable
{
    /// <summary>
    /// Rows per transaction at most. A transaction holds the database's write lock (snapshots and deletes wait), and
    /// its writes are acked only at its commit; 1,000 rows take a few milliseconds, and at 4,000 ops/s the queue
    /// rarely holds more than a few hundred.
    /// </summary>
    private const int MaxRowsPerTransaction = 1000;

    private readonly BlockingCollection<JournalWriteRequest> _queue = new();
    private readonly string _connectionString;
    private readonly string _insertRowSql;
    private readonly string _insertTagSql;
    private readonly bool _withWriterUuid;
    private readonly string? _writerUuid;
    private readonly ILoggingAdapter _log;
    private readonly Thread _thread;

    // Owned by the writer thread alone. Dropped after any failed transaction and opened again for the next one, so a
    // connection or statement left in a bad state (a renamed table, an I/O error) never outlives the failure.
    private SqliteConnection? _connection;
    private PreparedInsert? _insert;

    public SqliteJournalWriter(JournalConfig config, string? writerUuid, ILoggingAdapter log)
    {
        if (config.PluginConfig.TagMode != TagMode.TagTable)
        {
            throw new NotSupportedException(
                $"The SQLite journal writer writes tags to the tag table only (tag-write-mode = TagTable), not {config.PluginConfig.TagMode}.");
        }

        // Our own connection, not from the pool: it stays open for the life of the journal.
        _connectionString = new SqliteConnectionStringBuilder(config.ConnectionString) { Pooling = false }.ToString();
        _writerUuid = writerUuid;
        _log = log;

        JournalTableConfig tables = config.TableConfig;
        JournalTableColumnNames columns = tables.EventJournalTable.ColumnNames;
        bool withWriterUuid = _withWriterUuid = tables.EventJournalTable.UseWriterUuidColumn;
        // `ordering` is the rowid (AUTOINCREMENT) and left to SQLite; `deleted` is false (0, as linq2db writes it).
        _insertRowSql =
            $"INSERT INTO {Table(tables.SchemaName, tables.EventJournalTable.Name)} " +
            $"({Quote(columns.Created)}, {Quote(columns.Deleted)}, {Quote(columns.PersistenceId)}, {Quote(columns.SequenceNumber)}, " +
            $"{Quote(columns.Message)}, {Quote(columns.Manifest)}, {Quote(columns.Identifier)}" +
            (withWriterUuid ? $", {Quote(columns.WriterUuid)}" : "") +
            ") VALUES ($created, 0, $persistenceId, $sequenceNumber, $message, $manifest, $identifier" +
            (withWriterUuid ? ", $writerUuid" : "") +
            ")";
        TagTableColumnNames tagColumns = tables.TagTable.ColumnNames;
        _insertTagSql =
            $"INSERT INTO {Table(tables.SchemaName, tables.TagTable.Name)} " +
            $"({Quote(tagColumns.OrderingId)}, {Quote(tagColumns.Tag)}, {Quote(tagColumns.SequenceNumber)}, {Quote(tagColumns.PersistenceId)}) " +
            "VALUES ($ordering, $tag, $sequenceNumber, $persistenceId)";

        _thread = new Thread(Run) { Name = "collab-journal-writer", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Queues one persistent actor's events; the task ends when their transaction has committed.</summary>
    public Task WriteAsync(IReadOnlyList<JournalEvent> events)
    {
        var request = new JournalWriteRequest(events);
        try
        {
            _queue.Add(request);
        }
        catch (InvalidOperationException stopped)
        {
            request.Failed(new InvalidOperationException("The SQLite journal writer has stopped.", stopped));
        }
        return request.Completion;
    }

    /// <summary>Stops taking writes; those already queued are still committed, then the connection closes.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void Run()
    {
        var batch = new List<JournalWriteRequest>();
        foreach (JournalWriteRequest first in _queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            int rows = first.Events.Count;
            while (rows < MaxRowsPerTransaction && _queue.TryTake(out JournalWriteRequest? next))
            {
                batch.Add(next);
                rows += next.Events.Count;
            }
            WriteBatch(batch);
            batch.Clear();
        }
        CloseConnection();
    }

    private void WriteBatch(List<JournalWriteRequest> batch)
    {
        try
        {
            Commit(batch);
            foreach (JournalWriteRequest request in batch) request.Committed();
            return;
        }
        catch (Exception cause) when (batch.Count == 1)
        {
            batch[0].Failed(cause);
            return;
        }
        catch (Exception cause)
        {
            // The transaction is rolled back. It mixed writes of many documents, and one bad write (a duplicate
            // sequence number, say) must not fail the others: each is written again in a transaction of its own,
            // and only the writes that fail alone report a failure (each with its own error).
            _log.Warning(cause, "Journal transaction of {0} writes failed and was rolled back; writing each alone.", batch.Count);
        }

        foreach (JournalWriteRequest request in batch)
        {
            try
            {
                Commit([request]);
                request.Committed();
            }
            catch (Exception cause)
            {
                request.Failed(cause);
            }
        }
    }

    /// <summary>Inserts the requests' rows in one transaction and commits; on any error nothing of them is kept.</summary>
    private void Commit(IReadOnlyList<JournalWriteRequest> requests)
    {
        try
        {
            PreparedInsert insert = _insert ??= Open();
            // BEGIN IMMEDIATE: takes the write lock first, so the commit cannot fail for a reader's lock upgrade.
            using SqliteTransaction transaction = _connection!.BeginTransaction(deferred: false);
            insert.Use(transaction);
            foreach (JournalWriteRequest request in requests)
            {
                foreach (JournalEvent journalEvent in request.Events) insert.Insert(journalEvent, _writerUuid);
            }
            transaction.Commit();
        }
        catch
        {
            // Closing the connection rolls back whatever the failed transaction wrote.
            CloseConnection();
            throw;
        }
    }

    private PreparedInsert Open()
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
                // busy_timeout: while the snapshot store or a delete holds the write lock, SQLite's own busy handler
                // waits in short sleeps (as long as a command's default timeout, 30 s) before BEGIN IMMEDIATE gives up.
                pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
                pragma.ExecuteNonQuery();
            }
            _connection = connection;
            return new PreparedInsert(connection, _insertRowSql, _insertTagSql, _withWriterUuid);
        }
        catch
        {
            connection.Dispose();
            _connection = null;
            throw;
        }
    }

    private void CloseConnection()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }

    private static string Table(string? schema, string name) => schema is { Length: > 0 } ? $"{Quote(schema)}.{Quote(name)}" : Quote(name);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
