using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using CollabHost.Persistence;
using Microsoft.Data.Sqlite;

namespace CollabHost;

/// <summary>
/// Turns <see cref="JournalOptions"/> into the Akka.Persistence.Sql settings (connection string and linq2db
/// provider) that config/akka.hocon leaves open, and prepares the SQLite file on first run.
/// </summary>
public static class JournalSetup
{
    /// <summary>linq2db's provider names (LinqToDB.ProviderName): Microsoft.Data.Sqlite and Npgsql.</summary>
    private const string SqliteProviderName = "SQLite.MS";
    private const string PostgreSqlProviderName = "PostgreSQL";

    /// <summary>The journal class config/akka.hocon names, as HOCON names a type: "Namespace.Type, Assembly".</summary>
    public static readonly string JournalClass =
        $"{typeof(QueuedWriteJournal).FullName}, {typeof(QueuedWriteJournal).Assembly.GetName().Name}";

    public static string Hocon(CollabOptions options)
    {
        (string connectionString, string provider) = options.Journal.Provider switch
        {
            var p when p.Equals(JournalOptions.Sqlite, StringComparison.OrdinalIgnoreCase) =>
                (PrepareSqlite(options), SqliteProviderName),
            var p when p.Equals(JournalOptions.PostgreSql, StringComparison.OrdinalIgnoreCase) =>
                (options.Journal.ConnectionString is { Length: > 0 } cs
                    ? cs
                    : throw new InvalidOperationException("Collab:Journal:Provider is PostgreSQL but Collab:Journal:ConnectionString is empty."),
                    PostgreSqlProviderName),
            var p => throw new InvalidOperationException(
                $"Collab:Journal:Provider '{p}' is not supported; use {JournalOptions.Sqlite} or {JournalOptions.PostgreSql}."),
        };
        string settings = $"connection-string = {Quote(connectionString)}\nprovider-name = {Quote(provider)}\n";
        // The plugin runs every read in a transaction of its read-isolation-level, "unspecified" by default, which
        // Microsoft.Data.Sqlite opens as BEGIN IMMEDIATE: each recovery's read took the database's write lock, so
        // reads queued behind each other and behind the journal writer, and the writer's commit behind them (up to
        // 750 ms with ten connections creating documents; a read that found the lock taken slept 150 ms and tried
        // again). read-uncommitted is the one level it opens as a plain (deferred) BEGIN: in WAL mode a read
        // transaction that sees only committed rows and takes no write lock (read_uncommitted matters only with a
        // shared cache, which we do not use). Issue 19 item 10, docs/persistence.md.
        if (provider == SqliteProviderName) settings += "read-isolation-level = read-uncommitted\n";
        return $$"""
            akka.persistence.journal.sql { {{settings}} }
            akka.persistence.snapshot-store.sql { {{settings}} }
            akka.persistence.query.journal.sql { {{settings}} }
            """;
    }

    /// <summary>
    /// The journal plugin's settings as the ActorSystem will have them (config/akka.hocon and <see cref="Hocon"/>):
    /// the read model reads the journal's tables and lives in the same database.
    /// </summary>
    public static JournalConfig JournalConfig(CollabOptions options)
    {
        string hocon = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "akka.hocon"));
        Config config = ConfigurationFactory.ParseString(Hocon(options)).WithFallback(ConfigurationFactory.ParseString(hocon));
        return new JournalConfig(config.GetConfig("akka.persistence.journal.sql").WithFallback(SqlPersistence.DefaultJournalConfiguration));
    }

    /// <summary>
    /// Creates DataDir and collab.db if missing and puts the file in WAL mode (kept in the file), so journal writes
    /// do not block reads and commit with one fsync of the log.
    /// </summary>
    private static string PrepareSqlite(CollabOptions options)
    {
        string connectionString = options.Journal.ConnectionString is { Length: > 0 } given
            ? given
            : new SqliteConnectionStringBuilder
            {
                DataSource = Path.GetFullPath(Path.Combine(options.DataDir, "collab.db")),
                Pooling = true,
            }.ToString();
        string file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } dir) Directory.CreateDirectory(dir);
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
        return connectionString;
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
