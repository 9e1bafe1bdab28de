namespace CollabHost.Persistence;

/// <summary>
/// The events of one WriteMessages (one persistent actor's batch) waiting for the journal writer; Completion ends when
/// they are committed, or with the error that kept them out (<see cref="Failure"/>), and <see cref="Replies"/>, if
/// any, tell the persistent actor.
/// </summary>
public sealed class JournalWriteRequest(IReadOnlyList<JournalEvent> events, JournalWriteReplies? replies = null)
{
    // Continuations run on the writer thread, as it completes the request: nothing of the journal's own replies (the
    // writer sends those in one work item per transaction, JournalWriter.Answer), only what waits on the task, such
    // as a recovery of the same id, which queues its own work. Sent to the thread pool instead, every commit would
    // wake a pool worker for them (docs/benchmarks.md, "Hand-offs between threads").
    private readonly TaskCompletionSource _completion = new();

    public IReadOnlyList<JournalEvent> Events { get; } = events;

    /// <summary>What the persistent actor is told once the write is over; sent by the writer (JournalWriter.Answer).</summary>
    public JournalWriteReplies? Replies { get; } = replies;

    /// <summary>Why the write was not committed; null while it is queued and once it is committed.</summary>
    public Exception? Failure => _completion.Task.Exception?.InnerException;

    public Task Completion => _completion.Task;

    public void Committed() => _completion.TrySetResult();

    public void Failed(Exception cause) => _completion.TrySetException(cause);
}
