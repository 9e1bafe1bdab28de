using Microsoft.Data.Sqlite;

namespace CollabHost.Persistence;

/// <summary>
/// The SQLite journal's INSERT statements, prepared once on their connection (<see cref="SqliteStatement"/>) and run
/// again for every row with new values (the plugin builds and SQLite parses a new multi-row INSERT for every batch).
/// The statements run inside the caller's transaction: it is the connection's, whoever prepared them.
/// </summary>
internal sealed class SqlitePreparedInsert : IDisposable
{
    private readonly SqliteStatement _row;
    private readonly int _created;
    private readonly int _persistenceId;
    private readonly int _sequenceNumber;
    private readonly int _message;
    private readonly int _manifest;
    private readonly int _identifier;
    private readonly int _writerUuid;

    // Tagged events only (our documents tag nothing): the tag rows point at the journal row's ordering.
    private readonly SqliteStatement _tag;
    private readonly int _tagOrdering;
    private readonly int _tagValue;
    private readonly int _tagSequenceNumber;
    private readonly int _tagPersistenceId;

    public SqlitePreparedInsert(SqliteConnection connection, string rowSql, string tagSql, bool withWriterUuid)
    {
        _row = new SqliteStatement(connection, rowSql);
        _created = _row.Parameter("$created");
        _persistenceId = _row.Parameter("$persistenceId");
        _sequenceNumber = _row.Parameter("$sequenceNumber");
        _message = _row.Parameter("$message");
        _manifest = _row.Parameter("$manifest");
        _identifier = _row.Parameter("$identifier");
        _writerUuid = withWriterUuid ? _row.Parameter("$writerUuid") : 0;

        _tag = new SqliteStatement(connection, tagSql);
        _tagOrdering = _tag.Parameter("$ordering");
        _tagValue = _tag.Parameter("$tag");
        _tagSequenceNumber = _tag.Parameter("$sequenceNumber");
        _tagPersistenceId = _tag.Parameter("$persistenceId");
    }

    public void Insert(JournalEvent journalEvent, string? writerUuid)
    {
        _row.Bind(_created, journalEvent.Created);
        _row.Bind(_persistenceId, journalEvent.PersistenceId);
        _row.Bind(_sequenceNumber, journalEvent.SequenceNumber);
        _row.Bind(_message, journalEvent.Message);
        _row.Bind(_manifest, journalEvent.Manifest);
        _row.Bind(_identifier, (long)journalEvent.SerializerId);
        if (_writerUuid != 0) _row.Bind(_writerUuid, writerUuid);
        _row.Run();

        if (journalEvent.Tags.Length == 0) return;
        long ordering = _row.LastInsertRowId;
        foreach (string tag in journalEvent.Tags)
        {
            _tag.Bind(_tagOrdering, ordering);
            _tag.Bind(_tagValue, tag);
            _tag.Bind(_tagSequenceNumber, journalEvent.SequenceNumber);
            _tag.Bind(_tagPersistenceId, journalEvent.PersistenceId);
            _tag.Run();
        }
    }

    /// <summary>Finalizes the statements; the connection is the caller's to close, after this.</summary>
    public void Dispose()
    {
        _row.Dispose();
        _tag.Dispose();
    }
}
