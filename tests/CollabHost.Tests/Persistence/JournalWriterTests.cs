using Akka.Event;
using CollabHost.Persistence;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// How the journal writer groups queued writes into transactions: at once by default, or gathering for a commit
/// window. The databases themselves are covered by <see cref="QueuedWriteJournalTests"/> on SQLite and PostgreSQL;
/// here a database that records each transaction shows what the writer hands it.
/// </summary>
public sealed class JournalWriterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Without_a_commit_window_a_write_is_committed_without_waiting_for_the_next()
    {
        var database = new RecordingDatabase();
        using var writer = new JournalWriter(database, "test", NoLogger.Instance);

        await writer.WriteAsync([Event("a", 1)]).WaitAsync(Timeout);
        await Task.Delay(50);
        await writer.WriteAsync([Event("b", 1)]).WaitAsync(Timeout);

        Assert.Equal([["a"], ["b"]], database.Transactions);
    }

    [Fact]
    public async Task Writes_that_arrive_within_the_commit_window_share_one_transaction()
    {
        var database = new RecordingDatabase();
        using var writer = new JournalWriter(database, "test", NoLogger.Instance, commitWindow: TimeSpan.FromSeconds(2));

        Task first = writer.WriteAsync([Event("a", 1)]);
        await Task.Delay(50);
        Task second = writer.WriteAsync([Event("b", 1)]);
        await Task.WhenAll(first, second).WaitAsync(Timeout);

        Assert.Equal([["a", "b"]], database.Transactions);
    }

    [Fact]
    public async Task A_write_is_committed_when_its_commit_window_ends_even_if_nothing_else_comes()
    {
        var database = new RecordingDatabase();
        using var writer = new JournalWriter(database, "test", NoLogger.Instance, commitWindow: TimeSpan.FromMilliseconds(20));

        await writer.WriteAsync([Event("a", 1)]).WaitAsync(Timeout);

        Assert.Equal([["a"]], database.Transactions);
    }

    [Fact]
    public async Task A_write_queued_as_another_is_acknowledged_is_committed_in_a_transaction_after_it()
    {
        // A write's continuations run on the writer thread as it acknowledges the write; one that queues the next
        // write (an actor persisting again at once) must find the writer still taking writes, not waiting on itself.
        var database = new RecordingDatabase();
        using var writer = new JournalWriter(database, "test", NoLogger.Instance);

        Task<Task> next = writer.WriteAsync([Event("a", 1)])
            .ContinueWith(_ => writer.WriteAsync([Event("a", 2)]), TaskContinuationOptions.ExecuteSynchronously);
        await (await next.WaitAsync(Timeout)).WaitAsync(Timeout);

        Assert.Equal([["a"], ["a"]], database.Transactions);
    }

    private static JournalEvent Event(string persistenceId, long sequenceNumber) =>
        new(persistenceId, sequenceNumber, DateTime.UtcNow.Ticks, [1], "m", 1, []);

    /// <summary>Keeps the persistence ids of each transaction's writes, in order.</summary>
    [Fact]
    public async Task A_transaction_slower_than_a_quarter_second_is_measured_and_logged_with_its_rows()
    {
        using var measured = new CommitMeasurements();
        var log = new WarningLog();
        using var held = new ManualResetEventSlim();
        var database = new HeldDatabase(held);
        using var writer = new JournalWriter(database, "test", log);

        Task write = writer.WriteAsync([Event("a", 1), Event("a", 2)]);
        await Task.Delay(JournalWriter.SlowCommit + TimeSpan.FromMilliseconds(100));
        held.Set();
        await write.WaitAsync(Timeout);

        Assert.Contains(measured.Seconds, s => s >= JournalWriter.SlowCommit.TotalSeconds);
        string warning = Assert.Single(log.Warnings);
        Assert.StartsWith("test journal transaction of 2 rows took ", warning);
    }

    [Fact]
    public async Task A_quick_transaction_is_measured_and_not_logged()
    {
        using var measured = new CommitMeasurements();
        var log = new WarningLog();
        using var writer = new JournalWriter(new RecordingDatabase(), "test", log);

        await writer.WriteAsync([Event("a", 1)]).WaitAsync(Timeout);

        Assert.NotEmpty(measured.Seconds);
        Assert.Empty(log.Warnings);
    }

    /// <summary>What <c>collab_journal_commit_seconds</c> records while it lives (every writer's, this test's among them).</summary>
    private sealed class CommitMeasurements : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<double> _seconds = new();

        public CommitMeasurements()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "collab_journal_commit_seconds") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) => _seconds.Enqueue(value));
            _listener.Start();
        }

        public IReadOnlyCollection<double> Seconds => _seconds.ToArray();

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>A database whose transactions last until the test lets them end (a lock held, a slow disk).</summary>
    private sealed class HeldDatabase(ManualResetEventSlim released) : IJournalDatabase
    {
        public void Commit(IReadOnlyList<JournalWriteRequest> requests) => released.Wait(Timeout);

        public void Dispose()
        {
        }
    }

    /// <summary>The warnings the writer logs, formatted.</summary>
    private sealed class WarningLog() : LoggingAdapterBase(DefaultLogMessageFormatter.Instance)
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

        public IReadOnlyCollection<string> Warnings => _warnings.ToArray();

        public override bool IsDebugEnabled => false;
        public override bool IsInfoEnabled => false;
        public override bool IsWarningEnabled => true;
        public override bool IsErrorEnabled => true;

        protected override void NotifyLog(LogLevel logLevel, object message, Exception cause)
        {
            if (logLevel == LogLevel.WarningLevel) _warnings.Enqueue(message.ToString()!);
        }
    }

    private sealed class RecordingDatabase : IJournalDatabase
    {
        private readonly List<string[]> _transactions = [];

        public IReadOnlyList<string[]> Transactions
        {
            get { lock (_transactions) return _transactions.ToArray(); }
        }

        public void Commit(IReadOnlyList<JournalWriteRequest> requests)
        {
            lock (_transactions) _transactions.Add(requests.SelectMany(r => r.Events).Select(e => e.PersistenceId).ToArray());
        }

        public void Dispose()
        {
        }
    }
}
