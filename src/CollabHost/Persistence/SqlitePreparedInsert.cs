using Microsoft.Data.Sqlite;

namespace CollabHost.Persistence;

/// <summary>
/// The SQLite journal's INSERT statements, parsed once on their connection and run again for every row with new parameter
/// values (the plugin builds and SQLite parses a new multi-row INSERT for every batch).
/// </summary>
internal sealed class SqlitePreparedInsert : IDisposable
{
    private readonly SqliteCommand _row;
    private readonly SqliteParameter _created;
    private readonly SqliteParameter _persistenceId;
    private readonly SqliteParameter _sequenceNumber;
    private readonly SqliteParameter _message;
    private readonly SqliteParameter _manifest;
    private readonly SqliteParameter _identifier;
    private readonly SqliteParameter? _writerUuid;

    // Tagged events only (our documents tag nothing): the tag rows point at the journal row's ordering.
    private readonly SqliteCommand _lastOrdering;
    private readonly SqliteCommand _tag;
    private readonly SqliteParameter _tagOrdering;
    private readonly SqliteParameter _tagValue;
    private readonly SqliteParameter _tagSequenceNumber;
    private readonly SqliteParameter _tagPersistenceId;

    public SqlitePreparedInsert(SqliteConnection connection, string rowSql, string tagSql, bool withWriterUuid)
    {
        _row = connection.CreateCommand();
        _row.CommandText = rowSql;
        _created = _row.Parameters.Add("$created", SqliteType.Integer);
        _persistenceId = _row.Parameters.Add("$persistenceId", SqliteType.Text);
        _sequenceNumber = _row.Parameters.Add("$sequenceNumber", SqliteType.Integer);
        _message = _row.Parameters.Add("$message", SqliteType.Blob);
        _manifest = _row.Parameters.Add("$manifest", SqliteType.Text);
        _identifier = _row.Parameters.Add("$identifier", SqliteType.Integer);
        if (withWriterUuid) _writerUuid = _row.Parameters.Add("$writerUuid", SqliteType.Text);

        _lastOrdering = connection.CreateCommand();
        _lastOrdering.CommandText = "SELECT last_insert_rowid()";

        _tag = connection.CreateCommand();
        _tag.CommandText = tagSql;
        _tagOrdering = _tag.Parameters.Add("$ordering", SqliteType.Integer);
        _tagValue = _tag.Parameters.Add("$tag", SqliteType.Text);
        _tagSequenceNumber = _tag.Parameters.Add("$sequenceNumber", SqliteType.Integer);
        _tagPersistenceId = _tag.Parameters.Add("$persistenceId", SqliteType.Text);
    }

    /// <summary>Runs the statements in this transaction (Microsoft.Data.Sqlite requires it to be named).</summary>
    public void Use(SqliteTransaction transaction)
    {
        _row.Transaction = transaction;
        _lastOrdering.Transaction = transaction;
        _tag.Transaction = transaction;
    }

    public void Insert(JournalEvent journalEvent, string? writerUuid)
    {
        _created.Value = journalEvent.Created;
        _persistenceId.Value = journalEvent.PersistenceId;
        _sequenceNumber.Value = journalEvent.SequenceNumber;
        _message.Value = journalEvent.Message;
        _manifest.Value = journalEvent.Manifest;
        _identifier.Value = journalEvent.SerializerId;
        if (_writerUuid is not null) _writerUuid.Value = (object?)writerUuid ?? DBNull.Value;
        _row.ExecuteNonQuery();

        if (journalEvent.Tags.Length == 0) return;
        long ordering = (long)_lastOrdering.ExecuteScalar()!;
        foreach (string tag in journalEvent.Tags)
        {
            _tagOrdering.Value = ordering;
            _tagValue.Value = tag;
            _tagSequenceNumber.Value = journalEvent.SequenceNumber;
            _tagPersistenceId.Value = journalEvent.PersistenceId;
            _tag.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        _row.Dispose();
        _lastOrdering.Dispose();
        _tag.Dispose();
    }
}
