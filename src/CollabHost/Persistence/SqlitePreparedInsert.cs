using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CollabHost.Persistence;

/// <summary>
/// The SQLite journal's INSERT statements, prepared once on their connection's handle and run again for every row
/// with new values (the plugin builds and SQLite parses a new multi-row INSERT for every batch).
/// </summary>
/// <remarks>
/// Through SQLitePCL's own calls rather than <see cref="SqliteCommand"/>: a command allocates a binder per parameter
/// and a UTF-8 copy of every string it binds, per row, and walks its statement list on every run; that was a tenth of
/// what the host allocated per op (docs/benchmarks.md, "The journal's insert without Microsoft.Data.Sqlite's
/// command"). Text is bound as UTF-16 from the string itself, blobs from their array; SQLite copies both
/// (SQLITE_TRANSIENT) before the call returns. The statements run inside the caller's transaction: it is the
/// connection's, whoever prepared them.
/// </remarks>
internal sealed class SqlitePreparedInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _row;
    private readonly int _created;
    private readonly int _persistenceId;
    private readonly int _sequenceNumber;
    private readonly int _message;
    private readonly int _manifest;
    private readonly int _identifier;
    private readonly int _writerUuid;

    // Tagged events only (our documents tag nothing): the tag rows point at the journal row's ordering.
    private readonly sqlite3_stmt _tag;
    private readonly int _tagOrdering;
    private readonly int _tagValue;
    private readonly int _tagSequenceNumber;
    private readonly int _tagPersistenceId;

    public SqlitePreparedInsert(SqliteConnection connection, string rowSql, string tagSql, bool withWriterUuid)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The journal's SQLite connection is not open.");
        _row = Prepare(rowSql);
        _created = Parameter(_row, "$created");
        _persistenceId = Parameter(_row, "$persistenceId");
        _sequenceNumber = Parameter(_row, "$sequenceNumber");
        _message = Parameter(_row, "$message");
        _manifest = Parameter(_row, "$manifest");
        _identifier = Parameter(_row, "$identifier");
        _writerUuid = withWriterUuid ? Parameter(_row, "$writerUuid") : 0;

        _tag = Prepare(tagSql);
        _tagOrdering = Parameter(_tag, "$ordering");
        _tagValue = Parameter(_tag, "$tag");
        _tagSequenceNumber = Parameter(_tag, "$sequenceNumber");
        _tagPersistenceId = Parameter(_tag, "$persistenceId");
    }

    public void Insert(JournalEvent journalEvent, string? writerUuid)
    {
        Check(raw.sqlite3_bind_int64(_row, _created, journalEvent.Created));
        BindText(_row, _persistenceId, journalEvent.PersistenceId);
        Check(raw.sqlite3_bind_int64(_row, _sequenceNumber, journalEvent.SequenceNumber));
        Check(raw.sqlite3_bind_blob(_row, _message, journalEvent.Message));
        BindText(_row, _manifest, journalEvent.Manifest);
        Check(raw.sqlite3_bind_int64(_row, _identifier, journalEvent.SerializerId));
        if (_writerUuid != 0) BindText(_row, _writerUuid, writerUuid);
        Run(_row);

        if (journalEvent.Tags.Length == 0) return;
        long ordering = raw.sqlite3_last_insert_rowid(_db);
        foreach (string tag in journalEvent.Tags)
        {
            Check(raw.sqlite3_bind_int64(_tag, _tagOrdering, ordering));
            BindText(_tag, _tagValue, tag);
            Check(raw.sqlite3_bind_int64(_tag, _tagSequenceNumber, journalEvent.SequenceNumber));
            BindText(_tag, _tagPersistenceId, journalEvent.PersistenceId);
            Run(_tag);
        }
    }

    /// <summary>Finalizes the statements; the connection is the caller's to close, after this.</summary>
    public void Dispose()
    {
        _row.Dispose();
        _tag.Dispose();
    }

    private sqlite3_stmt Prepare(string sql)
    {
        int rc = raw.sqlite3_prepare_v2(_db, sql, out sqlite3_stmt? statement);
        if (rc == raw.SQLITE_OK && statement is not null) return statement;
        statement?.Dispose();
        SqliteException.ThrowExceptionForRC(rc, _db);
        throw new InvalidOperationException($"SQLite prepared no statement from the journal's SQL: {sql}");
    }

    private static int Parameter(sqlite3_stmt statement, string name)
    {
        int index = raw.sqlite3_bind_parameter_index(statement, name);
        return index > 0 ? index : throw new InvalidOperationException($"The journal's INSERT has no parameter {name}.");
    }

    private void BindText(sqlite3_stmt statement, int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value.AsSpan()));

    /// <summary>Runs the bound statement to its end and makes it ready for the next row, whether it failed or not.</summary>
    private void Run(sqlite3_stmt statement)
    {
        int rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }
}
