namespace CollabHost.Tests.Support;

/// <summary>
/// A journal to run a host against: a fresh SQLite file under a temporary DataDir, or the PostgreSQL database named by
/// COLLAB_TEST_POSTGRES (test.sh starts one and sets it). Tests use fresh document ids, so they share the database.
/// </summary>
public sealed class JournalStore : IDisposable
{
    public const string Sqlite = "SQLite";
    public const string PostgreSql = "PostgreSQL";
    public const string PostgresVariable = "COLLAB_TEST_POSTGRES";

    public static TheoryData<string> Both => new() { Sqlite, PostgreSql };

    private JournalStore(string provider, string dataDir, string? connectionString)
    {
        Provider = provider;
        DataDir = dataDir;
        ConnectionString = connectionString;
    }

    public string Provider { get; }

    public string DataDir { get; }

    public string? ConnectionString { get; }

    public string SqliteFile => Path.Combine(DataDir, "collab.db");

    public static JournalStore Create(string provider)
    {
        string dataDir = Path.Combine(Path.GetTempPath(), "collab-test-" + Guid.NewGuid().ToString("N")[..12]);
        if (provider == Sqlite) return new JournalStore(provider, dataDir, null);
        string connectionString = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: run ./test.sh (it starts PostgreSQL) or set it to a test database's connection string.");
        return new JournalStore(provider, dataDir, connectionString);
    }

    /// <summary>Command-line arguments that point a host at this store.</summary>
    public IEnumerable<string> HostArguments()
    {
        yield return $"--Collab:DataDir={DataDir}";
        yield return $"--Collab:Journal:Provider={Provider}";
        if (ConnectionString is not null) yield return $"--Collab:Journal:ConnectionString={ConnectionString}";
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A host still closing may hold the file a moment; the folder is under the temp directory.
        }
    }
}
