using System.Data.Common;
using Akka.Persistence.Sql.Config;
using CollabActors.Documents;
using CollabHost.Persistence;
using static CollabHost.Persistence.JournalSql;

namespace CollabHost.ReadModel;

/// <summary>
/// The read model's tables in the journal's own database, and the SQL that reads the journal and writes the rows.
/// What differs between SQLite and PostgreSQL (the JSON column, the lock that keeps one projector per database, how a
/// query looks into JSON) is in <see cref="SqliteReadModelDatabase"/> and <see cref="PostgreSqlReadModelDatabase"/>.
/// </summary>
public abstract class ReadModelDatabase
{
    /// <summary>Every document, one row each (<see cref="DocumentRow"/>).</summary>
    public const string DocumentsTable = "collab_documents";

    /// <summary>How far into the journal the rows are (<c>position</c>), and the shape they were written in.</summary>
    public const string PositionTable = "collab_read_model";

    /// <summary>
    /// The rows' shape. A database whose read model has another shape is rebuilt from the journal on start (and by
    /// <c>CollabHost rebuild-read-model</c>). Raise it whenever what a row holds changes.
    /// </summary>
    public const int Shape = 1;

    private readonly string _journalTable;
    private readonly string _readJournalSql;
    private readonly string _readEventsOfSql;
    private readonly string _changedDocumentsSql;

    protected ReadModelDatabase(JournalConfig journal)
    {
        var sql = new JournalSql(journal);
        _journalTable = sql.JournalTable;
        JournalTableColumnNames c = sql.Columns;
        string columns = $"{Quote(c.Ordering)}, {Quote(c.PersistenceId)}, {Quote(c.SequenceNumber)}, {Quote(c.Manifest)}, {Quote(c.Message)}, {Quote(c.Identifier)}";
        _readJournalSql = $"SELECT {columns} FROM {sql.JournalTable} WHERE {Quote(c.Ordering)} > @after ORDER BY {Quote(c.Ordering)} LIMIT @limit";
        _readEventsOfSql = $"SELECT {columns} FROM {sql.JournalTable} WHERE {Quote(c.PersistenceId)} = @pid " +
                           $"AND {Quote(c.SequenceNumber)} >= @from AND {Quote(c.SequenceNumber)} < @to ORDER BY {Quote(c.SequenceNumber)}";
        _changedDocumentsSql = $"SELECT DISTINCT {Quote(c.PersistenceId)} FROM {sql.JournalTable} " +
                               $"WHERE {Quote(c.Ordering)} > @after AND {Quote(c.Ordering)} <= @upto";
        ConnectionString = journal.ConnectionString;
    }

    protected string ConnectionString { get; }

    /// <summary>The provider's name, as <c>Collab:Journal:Provider</c> has it.</summary>
    public abstract string Name { get; }

    /// <summary>How compiled queries look into this database's JSON.</summary>
    public abstract Queries.SqlDialect Dialect { get; }

    /// <summary>The database for the journal configuration config/akka.hocon and JournalSetup give.</summary>
    public static ReadModelDatabase For(JournalConfig journal) => journal.ProviderName switch
    {
        var p when p.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) => new SqliteReadModelDatabase(journal),
        var p when p.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) => new PostgreSqlReadModelDatabase(journal),
        var p => throw new NotSupportedException($"The read model lives in SQLite or PostgreSQL, not '{p}'."),
    };

    /// <summary>An open connection; <paramref name="pooled"/> false for the projector's own, which holds its lock.</summary>
    public abstract DbConnection Open(bool pooled = true);

    /// <summary>
    /// The projector's own connection: outside the pool, and committing without waiting for the disk. The read model
    /// is derived from the journal and its position commits with its rows, so a commit lost to a power cut is
    /// projected again from the journal; what must not happen is its fsyncs queueing with the journal's, whose acks
    /// wait for theirs.
    /// </summary>
    public abstract DbConnection OpenProjector();

    /// <summary>
    /// Takes the database's projector lock on <paramref name="connection"/> (held while it stays open): only one node
    /// of a cluster projects. False when another node holds it.
    /// </summary>
    public abstract bool TryLockProjector(DbConnection connection);

    /// <summary>
    /// Prepares <paramref name="connection"/> for one query that may run at most <paramref name="timeLeft"/>: a
    /// transaction the query runs in, when the database enforces the limit itself (null otherwise).
    /// </summary>
    public virtual DbTransaction? BeginQuery(DbConnection connection, TimeSpan timeLeft) => null;

    /// <summary>Whether the database stopped a statement because its time was up (its own limit or a cancel).</summary>
    public abstract bool StoppedForTime(DbException exception);

    /// <summary>Stops a running statement when <paramref name="cancellation"/> fires (a query's timeout).</summary>
    public abstract IDisposable StopOnCancel(DbConnection connection, DbCommand command, CancellationToken cancellation);

    /// <summary>Creates the tables and indexes if missing; drops and recreates them when their shape is not <see cref="Shape"/>.</summary>
    public void EnsureSchema(DbConnection connection)
    {
        Execute(connection, null, CreatePositionTableSql);
        int? shape = null;
        using (DbCommand read = Command(connection, null, $"SELECT shape FROM {PositionTable} WHERE name = 'documents'"))
        {
            if (read.ExecuteScalar() is { } value and not DBNull) shape = Convert.ToInt32(value);
        }
        if (shape != Shape) Reset(connection);
    }

    /// <summary>Whether the tables exist in the current shape (made by this node or another).</summary>
    public bool HasSchema(DbConnection connection)
    {
        try
        {
            using DbCommand read = Command(connection, null, $"SELECT shape FROM {PositionTable} WHERE name = 'documents'");
            return read.ExecuteScalar() is { } value and not DBNull && Convert.ToInt32(value) == Shape;
        }
        catch (DbException)
        {
            return false; // no table yet
        }
    }

    /// <summary>Drops the rows and starts again from the beginning of the journal.</summary>
    public void Reset(DbConnection connection)
    {
        using DbTransaction transaction = connection.BeginTransaction();
        Execute(connection, transaction, CreatePositionTableSql);
        Execute(connection, transaction, $"DROP TABLE IF EXISTS {DocumentsTable}");
        foreach (string statement in CreateDocumentsTableSql) Execute(connection, transaction, statement);
        Execute(connection, transaction, $"DELETE FROM {PositionTable}");
        using (DbCommand insert = Command(connection, transaction,
                   $"INSERT INTO {PositionTable} (name, position, shape) VALUES ('documents', 0, @shape)"))
        {
            Add(insert, "@shape", Shape);
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public long ReadPosition(DbConnection connection)
    {
        using DbCommand read = Command(connection, null, $"SELECT position FROM {PositionTable} WHERE name = 'documents'");
        return read.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value) : 0;
    }

    /// <summary>
    /// Whether the journal's table is there yet: Akka.Persistence.Sql creates it when the journal first starts, which
    /// may be after the projector does.
    /// </summary>
    public bool JournalExists(DbConnection connection)
    {
        try
        {
            using DbCommand probe = Command(connection, null, $"SELECT 1 FROM {_journalTable} WHERE 1 = 0");
            probe.ExecuteScalar();
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    /// <summary>Journal rows after <paramref name="after"/> in journal order, at most <paramref name="limit"/>.</summary>
    public List<JournalRow> ReadJournal(DbConnection connection, long after, int limit)
    {
        using DbCommand read = Command(connection, null, _readJournalSql);
        Add(read, "@after", after);
        Add(read, "@limit", limit);
        return ReadRows(read);
    }

    /// <summary>
    /// The collections of the documents with journal rows in (<paramref name="after"/>, <paramref name="upTo"/>]: what
    /// changed in the read model when its position moved between them (live queries of those collections look again).
    /// </summary>
    public HashSet<string> ChangedCollections(DbConnection connection, long after, long upTo)
    {
        using DbCommand read = Command(connection, null, _changedDocumentsSql);
        Add(read, "@after", after);
        Add(read, "@upto", upTo);
        var collections = new HashSet<string>(StringComparer.Ordinal);
        using DbDataReader reader = read.ExecuteReader();
        while (reader.Read())
        {
            string persistenceId = reader.GetString(0);
            if (!persistenceId.StartsWith(ReadModelProjector.DocumentPersistencePrefix, StringComparison.Ordinal)) continue;
            collections.Add(DocumentId.FromEntityId(persistenceId[ReadModelProjector.DocumentPersistencePrefix.Length..]).Collection);
        }
        return collections;
    }

    /// <summary>One persistence id's rows with sequence numbers in [from, to).</summary>
    public List<JournalRow> ReadEventsOf(DbConnection connection, string persistenceId, long from, long to)
    {
        using DbCommand read = Command(connection, null, _readEventsOfSql);
        Add(read, "@pid", persistenceId);
        Add(read, "@from", from);
        Add(read, "@to", to);
        return ReadRows(read);
    }

    public DocumentRow? ReadDocument(DbConnection connection, DbTransaction? transaction, string collection, string id)
    {
        using DbCommand read = Command(connection, transaction, $"SELECT {DocumentColumns} FROM {DocumentsTable} WHERE collection = @c AND id = @d");
        Add(read, "@c", collection);
        Add(read, "@d", id);
        using DbDataReader reader = read.ExecuteReader();
        return reader.Read() ? DocumentRowAt(reader) : null;
    }

    /// <summary>
    /// The rows of <paramref name="documents"/> (null for a document the read model has not seen). One statement per
    /// document here; a database where each statement is a round trip reads them in one.
    /// </summary>
    public virtual Dictionary<DocumentId, DocumentRow?> ReadDocuments(DbConnection connection, IReadOnlyCollection<DocumentId> documents)
    {
        var rows = new Dictionary<DocumentId, DocumentRow?>(documents.Count);
        foreach (DocumentId document in documents) rows[document] = ReadDocument(connection, null, document.Collection, document.Id);
        return rows;
    }

    /// <summary>
    /// Writes the rows and moves the position from <paramref name="from"/> to <paramref name="to"/>, atomically: the
    /// rows never get ahead of or behind the position. Writes nothing and returns false when the position is not at
    /// <paramref name="from"/> (another writer moved it since this projector read it; it must read again).
    /// </summary>
    public abstract bool Write(DbConnection connection, IReadOnlyCollection<DocumentRow> rows, long from, long to);

    /// <summary>What an upsert of a row does when the document has one already: the new row replaces it.</summary>
    protected const string UpsertConflictClause =
        "ON CONFLICT (collection, id) DO UPDATE SET type = excluded.type, version = excluded.version, " +
        "ctime = excluded.ctime, mtime = excluded.mtime, created_order = excluded.created_order, " +
        "stored = excluded.stored, data = excluded.data";

    /// <summary>A document row's columns in a SELECT list, in the order <see cref="DocumentRowAt"/> reads them.</summary>
    protected string DocumentColumns => $"collection, id, type, version, ctime, mtime, created_order, stored, {DataAsText}";

    protected static DocumentRow DocumentRowAt(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt64(3),
        reader.IsDBNull(4) ? null : reader.GetInt64(4),
        reader.GetInt64(5),
        reader.GetInt64(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8));

    /// <summary>The JSON column as text in a SELECT list.</summary>
    protected abstract string DataAsText { get; }

    /// <summary>The JSON column's type.</summary>
    protected abstract string JsonColumnType { get; }

    private static string CreatePositionTableSql =>
        $"CREATE TABLE IF NOT EXISTS {PositionTable} (name VARCHAR(64) NOT NULL PRIMARY KEY, position BIGINT NOT NULL, shape INTEGER NOT NULL)";

    /// <remarks>
    /// The indexes serve what every query has (its collection) and the orders apps list documents in (recently
    /// modified, recently created, creation order). Queries on fields of the data run over the collection's rows;
    /// an app with a hot field adds an expression index on it (docs/queries.md).
    /// </remarks>
    private IEnumerable<string> CreateDocumentsTableSql =>
    [
        $"CREATE TABLE {DocumentsTable} (collection TEXT NOT NULL, id TEXT NOT NULL, type TEXT NULL, version BIGINT NOT NULL, " +
        $"ctime BIGINT NULL, mtime BIGINT NOT NULL, created_order BIGINT NOT NULL, stored TEXT NULL, data {JsonColumnType} NULL, " +
        "PRIMARY KEY (collection, id))",
        $"CREATE INDEX {DocumentsTable}_order ON {DocumentsTable} (collection, created_order)",
        $"CREATE INDEX {DocumentsTable}_mtime ON {DocumentsTable} (collection, mtime)",
        $"CREATE INDEX {DocumentsTable}_ctime ON {DocumentsTable} (collection, ctime)",
    ];

    private static List<JournalRow> ReadRows(DbCommand read)
    {
        var rows = new List<JournalRow>();
        using DbDataReader reader = read.ExecuteReader();
        while (reader.Read())
        {
            // Rows of other serializers are not document events; the projector skips them by their manifest.
            string manifest = reader.IsDBNull(3) ? "" : reader.GetString(3);
            if (reader.GetInt32(5) != CollabActors.Serialization.CollabSerializer.SerializerId) manifest = "";
            rows.Add(new JournalRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), manifest, (byte[])reader.GetValue(4)));
        }
        return rows;
    }

    protected static void Execute(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using DbCommand command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbParameter Add(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
