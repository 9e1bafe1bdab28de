using Akka.Persistence.Sql.Config;
using Npgsql;
using NpgsqlTypes;
using static CollabHost.Persistence.JournalSql;

namespace CollabHost.Persistence;

/// <summary>
/// PostgreSQL for the <see cref="JournalWriter"/>: all the rows of a queue drain in one prepared INSERT that reads
/// them from arrays (unnest), on one open connection. One statement is one transaction by itself (autocommit), so a
/// drain costs one round trip and one WAL flush, and a failed statement keeps nothing.
/// </summary>
/// <remarks>
/// Why not the alternatives: a multi-row VALUES list has a different text for every row count (parsed anew, or one
/// prepared statement per count); an NpgsqlBatch of single-row INSERTs binds and executes every row on the server;
/// binary COPY cannot be prepared, needs a transaction round trip of its own, and cannot feed the tag table from the
/// rows' generated orderings. Arrays carry every row in one Bind message, in one plan.
/// </remarks>
internal sealed class PostgreSqlJournalDatabase : IJournalDatabase
{
    private readonly string _connectionString;
    private readonly string _insertRowsSql;
    private readonly string _insertTaggedRowsSql;
    private readonly bool _withWriterUuid;
    private readonly string? _writerUuid;

    // Dropped after any failed statement and opened again for the next drain.
    private NpgsqlConnection? _connection;
    private PreparedRows? _rows;
    private PreparedRows? _taggedRows;

    public PostgreSqlJournalDatabase(JournalConfig config, string? writerUuid)
    {
        RequireTagTable(config, "PostgreSQL");
        // Our own connection, outside the pool: it stays open for the life of the journal, and after a failure it is
        // really closed, not handed back with whatever state the failure left.
        _connectionString = new NpgsqlConnectionStringBuilder(config.ConnectionString) { Pooling = false, Enlist = false }.ToString();
        _writerUuid = writerUuid;

        var sql = new JournalSql(config);
        JournalTableColumnNames c = sql.Columns;
        bool withWriterUuid = _withWriterUuid = sql.WithWriterUuid;
        // `ordering` is the table's sequence, taken in the arrays' order; `deleted` is false, as the plugin writes it.
        string insertRows =
            $"INSERT INTO {sql.JournalTable} " +
            $"({Quote(c.Created)}, {Quote(c.Deleted)}, {Quote(c.PersistenceId)}, {Quote(c.SequenceNumber)}, " +
            $"{Quote(c.Message)}, {Quote(c.Manifest)}, {Quote(c.Identifier)}" +
            (withWriterUuid ? $", {Quote(c.WriterUuid)}" : "") +
            ") SELECT r.created, false, r.persistence_id, r.sequence_number, r.message, r.manifest, r.identifier" +
            (withWriterUuid ? ", $7" : "") +
            " FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bytea[], $5::text[], $6::integer[])" +
            " AS r(created, persistence_id, sequence_number, message, manifest, identifier)";
        _insertRowsSql = insertRows;

        // Tagged events (our documents tag nothing) need their row's generated ordering: the same INSERT returns it
        // and feeds the tag rows in the same statement. Their parameters follow the rows'.
        int tag = withWriterUuid ? 8 : 7;
        TagTableColumnNames t = sql.TagColumns;
        _insertTaggedRowsSql =
            $"WITH inserted AS ({insertRows} RETURNING {Quote(c.Ordering)} AS ordering, {Quote(c.PersistenceId)} AS persistence_id, " +
            $"{Quote(c.SequenceNumber)} AS sequence_number) " +
            $"INSERT INTO {sql.TagTable} ({Quote(t.OrderingId)}, {Quote(t.Tag)}, {Quote(t.SequenceNumber)}, {Quote(t.PersistenceId)}) " +
            "SELECT inserted.ordering, tag.value, tag.sequence_number, tag.persistence_id " +
            $"FROM unnest(${tag}::text[], ${tag + 1}::bigint[], ${tag + 2}::text[]) AS tag(persistence_id, sequence_number, value) " +
            "JOIN inserted ON inserted.persistence_id = tag.persistence_id AND inserted.sequence_number = tag.sequence_number";
    }

    public void Commit(IReadOnlyList<JournalWriteRequest> requests)
    {
        try
        {
            if (_connection is null) Open();
            int count = 0;
            bool tagged = false;
            foreach (JournalWriteRequest request in requests)
            {
                count += request.Events.Count;
                foreach (JournalEvent journalEvent in request.Events) tagged |= journalEvent.Tags.Length > 0;
            }
            (tagged ? _taggedRows! : _rows!).Insert(requests, count, _writerUuid);
        }
        catch
        {
            // Autocommit: a failed statement has already been rolled back by the server.
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _rows?.Dispose();
        _rows = null;
        _taggedRows?.Dispose();
        _taggedRows = null;
        _connection?.Dispose();
        _connection = null;
    }

    private void Open()
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            connection.Open();
            _connection = connection;
            _rows = new PreparedRows(connection, _insertRowsSql, _withWriterUuid, withTags: false);
            _taggedRows = new PreparedRows(connection, _insertTaggedRowsSql, _withWriterUuid, withTags: true);
        }
        catch
        {
            Dispose();
            connection.Dispose();
            throw;
        }
    }

    /// <summary>One of the two INSERT statements, prepared on the server once per connection.</summary>
    private sealed class PreparedRows : IDisposable
    {
        private readonly NpgsqlCommand _command;
        private readonly NpgsqlParameter<long[]> _created = Array<long>(NpgsqlDbType.Bigint);
        private readonly NpgsqlParameter<string[]> _persistenceId = Array<string>(NpgsqlDbType.Text);
        private readonly NpgsqlParameter<long[]> _sequenceNumber = Array<long>(NpgsqlDbType.Bigint);
        private readonly NpgsqlParameter<byte[][]> _message = Array<byte[]>(NpgsqlDbType.Bytea);
        private readonly NpgsqlParameter<string[]> _manifest = Array<string>(NpgsqlDbType.Text);
        private readonly NpgsqlParameter<int[]> _identifier = Array<int>(NpgsqlDbType.Integer);
        private readonly NpgsqlParameter<string?> _writerUuid = new() { NpgsqlDbType = NpgsqlDbType.Text };
        private readonly NpgsqlParameter<string[]>? _tagPersistenceId;
        private readonly NpgsqlParameter<long[]>? _tagSequenceNumber;
        private readonly NpgsqlParameter<string[]>? _tagValue;

        public PreparedRows(NpgsqlConnection connection, string sql, bool withWriterUuid, bool withTags)
        {
            _command = new NpgsqlCommand(sql, connection);
            NpgsqlParameterCollection parameters = _command.Parameters;
            parameters.Add(_created);
            parameters.Add(_persistenceId);
            parameters.Add(_sequenceNumber);
            parameters.Add(_message);
            parameters.Add(_manifest);
            parameters.Add(_identifier);
            if (withWriterUuid) parameters.Add(_writerUuid);
            if (withTags)
            {
                parameters.Add(_tagPersistenceId = Array<string>(NpgsqlDbType.Text));
                parameters.Add(_tagSequenceNumber = Array<long>(NpgsqlDbType.Bigint));
                parameters.Add(_tagValue = Array<string>(NpgsqlDbType.Text));
            }
            _command.Prepare();
        }

        public void Insert(IReadOnlyList<JournalWriteRequest> requests, int count, string? writerUuid)
        {
            var created = new long[count];
            var persistenceId = new string[count];
            var sequenceNumber = new long[count];
            var message = new byte[count][];
            var manifest = new string[count];
            var identifier = new int[count];
            var tags = _tagValue is null ? null : new List<(string PersistenceId, long SequenceNumber, string Tag)>();
            int i = 0;
            foreach (JournalWriteRequest request in requests)
            {
                foreach (JournalEvent e in request.Events)
                {
                    created[i] = e.Created;
                    persistenceId[i] = e.PersistenceId;
                    sequenceNumber[i] = e.SequenceNumber;
                    message[i] = e.Message;
                    manifest[i] = e.Manifest;
                    identifier[i] = e.SerializerId;
                    i++;
                    if (tags is null) continue;
                    foreach (string tag in e.Tags) tags.Add((e.PersistenceId, e.SequenceNumber, tag));
                }
            }
            _created.TypedValue = created;
            _persistenceId.TypedValue = persistenceId;
            _sequenceNumber.TypedValue = sequenceNumber;
            _message.TypedValue = message;
            _manifest.TypedValue = manifest;
            _identifier.TypedValue = identifier;
            _writerUuid.TypedValue = writerUuid;
            if (tags is not null)
            {
                _tagPersistenceId!.TypedValue = tags.Select(t => t.PersistenceId).ToArray();
                _tagSequenceNumber!.TypedValue = tags.Select(t => t.SequenceNumber).ToArray();
                _tagValue!.TypedValue = tags.Select(t => t.Tag).ToArray();
            }
            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();

        private static NpgsqlParameter<T[]> Array<T>(NpgsqlDbType element) => new() { NpgsqlDbType = NpgsqlDbType.Array | element };
    }
}
