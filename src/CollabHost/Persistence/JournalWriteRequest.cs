namespace CollabHost.Persistence;

/// <summary>
/// The events of one WriteMessages (one persistent actor's batch) waiting for the journal writer; Completion ends when
/// they are committed, or with the error that kept them out.
/// </summary>
public sealed class JournalWriteRequest(IReadOnlyList<JournalEvent> events)
{
    // Continuations run on the thread pool, never on the writer thread, which goes straight on to the next commit.
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<JournalEvent> Events { get; } = events;

    public Task Completion => _completion.Task;

    public void Committed() => _completion.TrySetResult();

    public void Failed(Exception cause) => _completion.TrySetException(cause);
}
