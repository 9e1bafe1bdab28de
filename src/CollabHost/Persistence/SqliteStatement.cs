using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CollabHost.Persistence;

/// <summary>
/// One SQL statement prepared on a SQLite connection's handle with SQLitePCL's own calls, run again and again with new
/// values bound (the journal's INSERTs, the read model's upsert). It runs inside whatever transaction the connection
/// has open.
/// </summary>
/// <remarks>
/// Not <see cref="SqliteCommand"/>: a command allocates a binder per parameter and a UTF-8 copy of every string it
/// binds, per row, and walks its statement list on every run (docs/benchmarks.md, "The journal's insert without
/// Microsoft.Data.Sqlite's command"). Text is bound as UTF-16 from the string itself, blobs from their array; SQLite
/// copies both (SQLITE_TRANSIENT) before the call returns.
/// </remarks>
public sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        int rc = raw.sqlite3_prepare_v2(_db, sql, out sqlite3_stmt? statement);
        if (rc != raw.SQLITE_OK || statement is null)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _db);
            throw new InvalidOperationException($"SQLite prepared no statement from: {sql}");
        }
        _statement = statement;
    }

    /// <summary>The index of a named parameter (<c>$name</c>, <c>@name</c>), to bind by.</summary>
    public int Parameter(string name)
    {
        int index = raw.sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new InvalidOperationException($"The statement has no parameter {name}.");
    }

    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, long? value) =>
        Check(value is { } number ? raw.sqlite3_bind_int64(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));

    public void Bind(int index, byte[] value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the bound statement to its end and makes it ready for the next values, whether it failed or not.</summary>
    public void Run()
    {
        int rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>The rowid the connection's last INSERT gave its row.</summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    /// <summary>Finalizes the statement; the connection is the caller's to close, after this.</summary>
    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
    }
}
