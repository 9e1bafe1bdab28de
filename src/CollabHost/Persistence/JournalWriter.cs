using System.Diagnostics;
using Akka.Event;
using CollabActors.Diagnostics;

namespace CollabHost.Persistence;

/// <summary>
/// The one thread that writes journal rows: it takes every write waiting in its queue and hands them to its
/// database's <see cref="IJournalDatabase.Commit"/> as one transaction (one fsync, one ack for all of them).
/// </summary>
/// <remarks>
/// One transaction at a time is what the databases do best with many small writes: SQLite has a single writer per
/// database anyway, and PostgreSQL syncs its WAL once per commit, so while one commit is on its way the next writes
/// gather in the queue and go together (group commit by construction). It saves what the plugin's path costs per
/// batch: a stream stage, a linq2db connection clone, an INSERT built as SQL text and parsed anew, and several
/// transactions queueing for the same lock. The thread blocks only on the database, never an actor.
/// </remarks>
public sealed class JournalWriter : IDisposable
{
    /// <summary>
    /// Rows per transaction at most. A transaction holds locks (SQLite: the database's write lock) and its writes are
    /// acked only at its commit; 1,000 rows take a few milliseconds, and at 4,000 ops/s the queue rarely holds more
    /// than a few hundred.
    /// </summary>
    private const int MaxRowsPerTransaction = 1000;

    private readonly BlockingQueue<JournalWriteRequest> _queue = new();
    private readonly IJournalDatabase _database;
    private readonly string _name;
    private readonly ILoggingAdapter _log;
    private readonly Thread _thread;
    private readonly long _commitWindowTicks;

    /// <summary>
    /// A transaction that takes longer than this is logged (at most once a second), with its rows: every ack of the
    /// node waits behind it, so it is the first thing to look for when acks stall (a slow disk's fsync, a lock held).
    /// All of them are in <c>collab_journal_commit_seconds</c>.
    /// </summary>
    public static readonly TimeSpan SlowCommit = TimeSpan.FromMilliseconds(250);

    // When the last slow transaction was logged (a Stopwatch timestamp; 0: never).
    private long _lastSlowCommitLoggedAt;

    /// <param name="commitWindow">
    /// How long a transaction waits for more writes after its first before it commits (zero: it commits what is
    /// queued at once). More writes per transaction means fewer fsyncs per op, for at most this much more latency.
    /// </param>
    public JournalWriter(IJournalDatabase database, string name, ILoggingAdapter log, TimeSpan commitWindow = default)
    {
        _database = database;
        _commitWindowTicks = (long)(commitWindow.TotalSeconds * Stopwatch.Frequency);
        _name = name;
        _log = log;
        _thread = new Thread(Run) { Name = "collab-journal-writer", IsBackground = true };
        _thread.Start();
    }

    /// <summary>
    /// Queues one persistent actor's events; the task ends when their transaction has committed, and then the
    /// <paramref name="replies"/>, if any, are sent (<see cref="Answer"/>).
    /// </summary>
    public Task WriteAsync(IReadOnlyList<JournalEvent> events, JournalWriteReplies? replies = null)
    {
        var request = new JournalWriteRequest(events, replies);
        if (!_queue.TryAdd(request))
        {
            request.Failed(new InvalidOperationException($"The {_name} journal writer has stopped."));
            replies?.Send(request.Failure);
        }
        return request.Completion;
    }

    /// <summary>Stops taking writes; those already queued are still committed, then the connection closes.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void Run()
    {
        var batch = new List<JournalWriteRequest>();
        while (_queue.TryTake(out JournalWriteRequest first))
        {
            batch.Add(first);
            int rows = first.Events.Count;
            // Without a window the deadline is now: what is queued goes along, nothing is waited for.
            long deadline = Stopwatch.GetTimestamp() + _commitWindowTicks;
            while (rows < MaxRowsPerTransaction && _queue.TryTakeBefore(deadline, out JournalWriteRequest next))
            {
                batch.Add(next);
                rows += next.Events.Count;
            }
            WriteBatch(batch);
            Answer(batch);
            batch.Clear();
        }
        _database.Dispose();
    }

    /// <summary>One transaction, timed (<see cref="SlowCommit"/>).</summary>
    private void Commit(IReadOnlyList<JournalWriteRequest> requests)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            _database.Commit(requests);
        }
        finally
        {
            TimeSpan took = Stopwatch.GetElapsedTime(started);
            CollabMetrics.RecordJournalCommit(took);
            if (took > SlowCommit && (_lastSlowCommitLoggedAt == 0 || Stopwatch.GetElapsedTime(_lastSlowCommitLoggedAt) > TimeSpan.FromSeconds(1)))
            {
                _lastSlowCommitLoggedAt = Stopwatch.GetTimestamp();
                _log.Warning("{0} journal transaction of {1} rows took {2:F0} ms (every ack of this node waited behind it)",
                    _name, requests.Sum(r => r.Events.Count), took.TotalMilliseconds);
            }
        }
    }

    /// <summary>
    /// Sends a transaction's replies to its persistent actors from one thread-pool work item. Told from this thread
    /// one actor at a time, each Tell to a sleeping document woke a pool worker that, on one CPU, preempted the writer
    /// before its next Tell: up to one switch per document per transaction, where one work item for all of them costs
    /// one (docs/benchmarks.md, "The journal's replies without Akka.Persistence's write path").
    /// </summary>
    private static void Answer(List<JournalWriteRequest> batch)
    {
        if (!batch.Exists(request => request.Replies is not null)) return;
        ThreadPool.UnsafeQueueUserWorkItem(
            static requests =>
            {
                foreach (JournalWriteRequest request in requests) request.Replies?.Send(request.Failure);
            },
            batch.ToArray(),
            preferLocal: false);
    }

    private void WriteBatch(List<JournalWriteRequest> batch)
    {
        try
        {
            Commit(batch);
            foreach (JournalWriteRequest request in batch) request.Committed();
            ReadModel.JournalCommitSignal.Raise();
            return;
        }
        catch (Exception cause) when (batch.Count == 1)
        {
            batch[0].Failed(cause);
            return;
        }
        catch (Exception cause)
        {
            // The transaction is rolled back. It mixed writes of many documents, and one bad write (a duplicate
            // sequence number, say) must not fail the others: each is written again in a transaction of its own,
            // and only the writes that fail alone report a failure (each with its own error).
            _log.Warning(cause, "{0} journal transaction of {1} writes failed and was rolled back; writing each alone.", _name, batch.Count);
        }

        foreach (JournalWriteRequest request in batch)
        {
            try
            {
                Commit([request]);
                request.Committed();
                ReadModel.JournalCommitSignal.Raise();
            }
            catch (Exception cause)
            {
                request.Failed(cause);
            }
        }
    }
}
