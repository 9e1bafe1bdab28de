using System.Diagnostics;
using CollabHost.Persistence;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// The SQLite journal writer's transactions wait for a write lock another connection holds (the snapshot store, the
/// read model, another process) by trying again every millisecond, and give up with SQLITE_BUSY after their timeout.
/// </summary>
public sealed class SqliteWriteLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("collab-writelock-").FullName;

    private string File => Path.Combine(_dir, "journal.db");

    [Fact]
    public async Task A_transaction_waits_while_another_connection_writes_and_begins_once_it_commits()
    {
        using SqliteConnection holder = Open(busyTimeoutMs: 30_000);
        using SqliteConnection writer = Open(busyTimeoutMs: 0);
        Execute(holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES ('held');");

        var clock = Stopwatch.StartNew();
        Task<TimeSpan> begin = Task.Run(() => SqliteWriteLock.Begin(writer.Handle!, TimeSpan.FromSeconds(20)));
        await Task.Delay(300);
        Assert.False(begin.IsCompleted, "the transaction began while another connection held the write lock");

        Execute(holder, "COMMIT;");
        TimeSpan waited = await begin.WaitAsync(TimeSpan.FromSeconds(10));
        Execute(writer, "INSERT INTO t VALUES ('after');");
        SqliteWriteLock.Commit(writer.Handle!);

        Assert.InRange(waited, TimeSpan.FromMilliseconds(250), clock.Elapsed);
        Assert.Equal(["held", "after"], Rows(holder));
    }

    [Fact]
    public void A_transaction_that_cannot_get_the_lock_within_its_timeout_fails_with_SQLITE_BUSY_and_can_begin_later()
    {
        using SqliteConnection holder = Open(busyTimeoutMs: 30_000);
        using SqliteConnection writer = Open(busyTimeoutMs: 0);
        Execute(holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES ('held');");

        var busy = Assert.Throws<SqliteException>(() => SqliteWriteLock.Begin(writer.Handle!, TimeSpan.FromMilliseconds(100)));
        Assert.Equal(raw.SQLITE_BUSY, busy.SqliteErrorCode);

        Execute(holder, "COMMIT;");
        SqliteWriteLock.Begin(writer.Handle!, TimeSpan.FromSeconds(10));
        Execute(writer, "INSERT INTO t VALUES ('later');");
        SqliteWriteLock.Commit(writer.Handle!);
        Assert.Equal(["held", "later"], Rows(holder));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private SqliteConnection Open(int busyTimeoutMs)
    {
        var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS t (v TEXT);");
        raw.sqlite3_busy_timeout(connection.Handle!, busyTimeoutMs);
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> Rows(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT v FROM t ORDER BY rowid";
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read()) rows.Add(reader.GetString(0));
        return rows;
    }
}
