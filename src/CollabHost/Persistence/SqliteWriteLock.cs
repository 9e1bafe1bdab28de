using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CollabHost.Persistence;

/// <summary>
/// Begins and commits the SQLite journal writer's transactions on its connection's handle, waiting for the
/// database's write lock by trying again every millisecond.
/// </summary>
/// <remarks>
/// SQLite's own busy handler (<c>busy_timeout</c>) sleeps 1, 2, 5, 10, 15, 20, 25 ms and longer between tries, so a
/// writer that meets the lock held for 3 ms by the read model's projector or a snapshot save slept 8 to 33 ms past
/// its release, with every ack of the node waiting behind it (seen several times a minute at 2,000 ops/s,
/// docs/benchmarks.md, "The journal writer and SQLite's busy handler"). Trying again every millisecond costs a
/// wake-up a millisecond while another connection writes, which is rarely and briefly.
/// </remarks>
public static class SqliteWriteLock
{
    /// <summary>How long a transaction waits for the lock before it fails (SQLITE_BUSY), as a command's default timeout.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// BEGIN IMMEDIATE: takes the write lock first, so the commit cannot fail for a reader's lock upgrade. Returns how
    /// long it waited for the lock. The connection's <c>busy_timeout</c> must be 0, so SQLite answers BUSY at once.
    /// </summary>
    public static TimeSpan Begin(sqlite3 db, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            int rc = raw.sqlite3_exec(db, "BEGIN IMMEDIATE");
            if (rc == raw.SQLITE_OK) return Stopwatch.GetElapsedTime(start);
            if (rc != raw.SQLITE_BUSY || Stopwatch.GetElapsedTime(start) >= timeout) SqliteException.ThrowExceptionForRC(rc, db);
            Thread.Sleep(1);
        }
    }

    /// <summary>COMMIT: in WAL mode one append and one fsync of the log (synchronous = FULL).</summary>
    public static void Commit(sqlite3 db)
    {
        int rc = raw.sqlite3_exec(db, "COMMIT");
        if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
    }
}
