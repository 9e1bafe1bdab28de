using CollabHost.ReadModel;
using CollabHost.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CollabHost.Tests.ReadModel;

/// <summary>
/// The read model's worker on PostgreSQL, where every node runs one and one of them projects (it holds the projector
/// lock): what the others do while they wait, and how one takes over.
/// </summary>
public sealed class ReadModelProjectionTests
{
    /// <summary>A waiting node tries the lock every ten poll intervals: 200 ms here.</summary>
    private static readonly QueryOptions Options = new() { ProjectionPollInterval = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task A_node_waiting_for_the_projector_lock_keeps_one_session_and_takes_over_on_it_when_the_projector_stops()
    {
        using JournalStore store = JournalStore.Create(JournalStore.PostgreSql);
        // The test's own name for its sessions, so other tests' projectors on the same database are not counted.
        string application = "test-" + Guid.NewGuid().ToString("N")[..12];
        string connectionString = new NpgsqlConnectionStringBuilder(store.ConnectionString) { ApplicationName = application }.ToString();
        ReadModelDatabase database = ReadModelDatabase.For(JournalSetup.JournalConfig(new CollabOptions
        {
            DataDir = store.DataDir,
            Journal = new JournalOptions { Provider = store.Provider, ConnectionString = connectionString },
        }));
        var projector = new ReadModelProjection(database, Options, new ReadModelChanges(), NullLogger<ReadModelProjection>.Instance);
        var waiter = new ReadModelProjection(database, Options, new ReadModelChanges(), NullLogger<ReadModelProjection>.Instance);
        await projector.StartAsync(CancellationToken.None);
        await projector.SchemaReady.WaitAsync(TimeSpan.FromSeconds(30));
        await waiter.StartAsync(CancellationToken.None);
        try
        {
            await waiter.SchemaReady.WaitAsync(TimeSpan.FromSeconds(30));
            int[] sessions = await SessionsAsync(store, application);
            Assert.Equal(2, sessions.Length);
            int projecting = Assert.Single(await LockHoldersAsync(store, sessions));

            await Task.Delay(TimeSpan.FromSeconds(1)); // five tries of the waiter
            Assert.Equal(sessions, await SessionsAsync(store, application));

            await projector.StopAsync(CancellationToken.None);
            int waiting = sessions.Single(pid => pid != projecting);
            DateTime deadline = DateTime.UtcNow.AddSeconds(10);
            while (!(await LockHoldersAsync(store, [waiting])).SequenceEqual([waiting]))
            {
                Assert.True(DateTime.UtcNow < deadline, "the waiting node did not take the projector lock within 10 s");
                await Task.Delay(50);
            }
            Assert.Equal([waiting], await SessionsAsync(store, application));
        }
        finally
        {
            await waiter.StopAsync(CancellationToken.None);
            await projector.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The backend pids of the projectors' sessions, ascending.</summary>
    private static async Task<int[]> SessionsAsync(JournalStore store, string application)
    {
        await using var connection = (NpgsqlConnection)await store.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE application_name = @name ORDER BY pid", connection);
        command.Parameters.AddWithValue("name", application + "/read-model");
        var pids = new List<int>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pids.Add(reader.GetInt32(0));
        return [.. pids];
    }

    /// <summary>Which of <paramref name="sessions"/> hold an advisory lock (the projector lock is the only one taken).</summary>
    private static async Task<int[]> LockHoldersAsync(JournalStore store, int[] sessions)
    {
        await using var connection = (NpgsqlConnection)await store.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = ANY(@pids) ORDER BY pid", connection);
        command.Parameters.AddWithValue("pids", sessions);
        var pids = new List<int>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pids.Add(reader.GetInt32(0));
        return [.. pids];
    }
}
