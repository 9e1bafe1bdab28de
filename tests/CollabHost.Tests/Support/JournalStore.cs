using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CollabHost.Tests.Support;

/// <summary>
/// A journal to run a host against: a fresh SQLite file under a temporary DataDir, or a fresh schema of its own in the
/// PostgreSQL database named by COLLAB_TEST_POSTGRES (test.sh starts one and sets it).
/// </summary>
/// <remarks>
/// A schema per store, not one set of tables for every test: test classes run in parallel, and a test that breaks its
/// journal (renames the table away) must not break the others' — on a shared table it did, and the concurrently
/// starting hosts then created a new empty journal under the old name. Each store also starts from an empty schema,
/// so the hosts' own table creation (auto-initialize) runs in every PostgreSQL test, as on a new deployment.
/// </remarks>
public sealed class JournalStore : IDisposable
{
    public const string Sqlite = "SQLite";
    public const string PostgreSql = "PostgreSQL";
    public const string PostgresVariable = "COLLAB_TEST_POSTGRES";

    public static TheoryData<string> Both => new() { Sqlite, PostgreSql };

    // The PostgreSQL store's own schema, and the database's connection string without it (to drop the schema).
    private readonly string? _schema;
    private readonly string? _databaseConnectionString;

    private JournalStore(string provider, string dataDir, string? connectionString, string? schema = null, string? databaseConnectionString = null)
    {
        Provider = provider;
        DataDir = dataDir;
        ConnectionString = connectionString;
        _schema = schema;
        _databaseConnectionString = databaseConnectionString;
    }

    public string Provider { get; }

    public string DataDir { get; }

    public string? ConnectionString { get; }

    public string SqliteFile => Path.Combine(DataDir, "collab.db");

    public static JournalStore Create(string provider)
    {
        string dataDir = Path.Combine(Path.GetTempPath(), "collab-test-" + Guid.NewGuid().ToString("N")[..12]);
        if (provider == Sqlite) return new JournalStore(provider, dataDir, null);
        string databaseConnectionString = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: run ./test.sh (it starts PostgreSQL) or set it to a test database's connection string.");
        string schema = "test_" + Guid.NewGuid().ToString("N")[..12];
        ExecutePostgres(databaseConnectionString, $"CREATE SCHEMA {schema}");
        string connectionString = new NpgsqlConnectionStringBuilder(databaseConnectionString) { SearchPath = schema }.ToString();
        return new JournalStore(provider, dataDir, connectionString, schema, databaseConnectionString);
    }

    /// <summary>Command-line arguments that point a host at this store.</summary>
    public IEnumerable<string> HostArguments()
    {
        yield return $"--Collab:DataDir={DataDir}";
        yield return $"--Collab:Journal:Provider={Provider}";
        if (ConnectionString is not null) yield return $"--Collab:Journal:ConnectionString={ConnectionString}";
    }

    /// <summary>A connection of our own to the store's database, beside the host's.</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Provider == Sqlite
            ? new SqliteConnection($"Data Source={SqliteFile};Pooling=False")
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The sequence number (= document version) of the latest snapshot of a document, or null.</summary>
    public async Task<long?> LatestSnapshotAsync(string collection, string id)
    {
        await using DbConnection connection = await OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = @id";
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = "id";
        parameter.Value = "document-" + new CollabActors.Documents.DocumentId(collection, id).EntityId;
        command.Parameters.Add(parameter);
        return await command.ExecuteScalarAsync() is { } value and not DBNull ? Convert.ToInt64(value) : null;
    }

    public void Dispose()
    {
        if (_schema is not null)
        {
            try
            {
                ExecutePostgres(_databaseConnectionString!, $"DROP SCHEMA {_schema} CASCADE");
            }
            catch (NpgsqlException)
            {
                // A host still closing may hold a lock a moment; the schema is in a test database, and its name is
                // fresh, so nothing reads it again.
            }
        }
        try
        {
            if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A host still closing may hold the file a moment; the folder is under the temp directory.
        }
    }

    private static void ExecutePostgres(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
