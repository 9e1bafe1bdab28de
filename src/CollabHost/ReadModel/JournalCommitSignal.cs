namespace CollabHost.ReadModel;

/// <summary>
/// Wakes the read-model projector when this process's journal writer has committed, so a committed op reaches the
/// read model in milliseconds instead of at the next poll. One signal per journal transaction (not per op), set after
/// the acks are released: it costs the op's path nothing it waits for. Process-wide because the journal is made by
/// Akka from config, not from DI. A process runs one host; in a test process that runs several, a signal wakes every
/// projector waiting, and each reads what is new for it. Writes of other nodes (PostgreSQL) are seen at the poll.
/// </summary>
public static class JournalCommitSignal
{
    // No spinning before the projector sleeps (a SemaphoreSlim spins with sched_yield first, once per commit under
    // load); a set event is one pending wake-up, and a projector that wakes reads everything committed by then.
    private static readonly ManualResetEventSlim Committed = new(initialState: false, spinCount: 0);

    public static void Raise() => Committed.Set();

    /// <summary>Waits for a commit, at most <paramref name="timeout"/>; false when the time passed first or on cancellation.</summary>
    public static bool Wait(TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            if (!Committed.Wait(timeout, cancellation)) return false;
            // A commit raised between the wake-up and this reset is read by the projection that follows anyway.
            Committed.Reset();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
