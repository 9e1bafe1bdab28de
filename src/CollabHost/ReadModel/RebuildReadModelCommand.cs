using System.Data.Common;

namespace CollabHost.ReadModel;

/// <summary>
/// <c>CollabHost rebuild-read-model [--Collab:Journal:Provider=PostgreSQL --Collab:Journal:ConnectionString=...]</c>:
/// drops the read model and builds it again from the journal, then exits. Settings come as for the host
/// (appsettings.json, environment, <c>--Collab:...</c> arguments). On PostgreSQL it needs the projector lock: a
/// running node holds it, so stop the nodes first (or let them: a node rebuilds by itself when the shape changed).
/// </summary>
public static class RebuildReadModelCommand
{
    public const string Name = "rebuild-read-model";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        var options = configuration.GetSection(CollabOptions.Section).Get<CollabOptions>() ?? new CollabOptions();
        try
        {
            ReadModelDatabase database = ReadModelDatabase.For(JournalSetup.JournalConfig(options));
            (long documents, TimeSpan took) = Rebuild(database);
            stdout.WriteLine($"Read model rebuilt from the {database.Name} journal: {documents} documents in {took.TotalSeconds:0.0} s.");
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or DbException or NotSupportedException)
        {
            stderr.WriteLine($"{Name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Drops the rows and projects the whole journal; returns how many documents the read model then holds.</summary>
    public static (long Documents, TimeSpan Took) Rebuild(ReadModelDatabase database)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        using DbConnection connection = database.OpenProjector();
        if (!database.TryLockProjector(connection))
            throw new InvalidOperationException("A running node holds the read model's projector lock; stop the nodes, then rebuild.");
        database.Reset(connection);
        new ReadModelProjector(database, (what, cause) => Console.Error.WriteLine($"{what}: {cause.Message}")).CatchUp(connection);
        using DbCommand count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {ReadModelDatabase.DocumentsTable}";
        return (Convert.ToInt64(count.ExecuteScalar()), started.Elapsed);
    }
}
