using Akka.Actor;
using Akka.Configuration;
using CollabHost;
using CollabHost.ReadModel;
using Npgsql;

namespace CollabQueryBench;

/// <summary>
/// One database to measure: a fresh SQLite file in a temporary folder, or a fresh schema of its own in the PostgreSQL
/// database the bench was given (dropped at the end). The same settings drive the bench's own journal, its read
/// model and the CollabHost processes it starts.
/// </summary>
public sealed class BenchStore : IDisposable
{
    /// <summary>The PostgreSQL application name of every connection to the store: how its backends are found for their CPU.</summary>
    public const string ApplicationName = "collab-qbench";

    private readonly string? _schema;
    private readonly string? _databaseConnectionString;

    private BenchStore(string provider, string dataDir, string? connectionString, string? schema, string? databaseConnectionString)
    {
        Provider = provider;
        DataDir = dataDir;
        ConnectionString = connectionString;
        _schema = schema;
        _databaseConnectionString = databaseConnectionString;
        Options = new CollabOptions { DataDir = dataDir, Journal = new JournalOptions { Provider = provider, ConnectionString = connectionString } };
    }

    public string Provider { get; }

    public string DataDir { get; }

    public string? ConnectionString { get; }

    public CollabOptions Options { get; }

    public bool IsPostgreSql => Provider == JournalOptions.PostgreSql;

    public static BenchStore Sqlite() =>
        new(JournalOptions.Sqlite, Directory.CreateTempSubdirectory("collab-qbench-").FullName, null, null, null);

    public static BenchStore PostgreSql(string databaseConnectionString)
    {
        string schema = "qbench_" + Guid.NewGuid().ToString("N")[..12];
        Execute(databaseConnectionString, $"CREATE SCHEMA {schema}");
        string connectionString = new NpgsqlConnectionStringBuilder(databaseConnectionString) { SearchPath = schema, ApplicationName = ApplicationName }.ToString();
        return new BenchStore(JournalOptions.PostgreSql, Directory.CreateTempSubdirectory("collab-qbench-").FullName, connectionString, schema, databaseConnectionString);
    }

    /// <summary>The read model's database, as the host makes it from these settings.</summary>
    public ReadModelDatabase ReadModel() => ReadModelDatabase.For(JournalSetup.JournalConfig(Options));

    /// <summary>An actor system with the host's journal plugin (config/akka.hocon) on this store, and nothing else.</summary>
    public ActorSystem JournalSystem() =>
        ActorSystem.Create("qbench", ConfigurationFactory.ParseString("akka.actor.provider = local\nakka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(JournalSetup.Hocon(Options)))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon")))));

    /// <summary>Command-line settings that point a CollabHost at this store.</summary>
    public IEnumerable<string> HostArguments()
    {
        yield return $"--Collab:Journal:Provider={Provider}";
        if (ConnectionString is not null) yield return $"--Collab:Journal:ConnectionString={ConnectionString}";
    }

    public void Dispose()
    {
        if (_schema is not null) Execute(_databaseConnectionString!, $"DROP SCHEMA {_schema} CASCADE");
        Directory.Delete(DataDir, recursive: true);
    }

    private static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
