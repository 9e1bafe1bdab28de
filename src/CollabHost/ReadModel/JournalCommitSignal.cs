namespace CollabHost.ReadModel;

/// <summary>
/// Wakes the read-model projector when this process's journal writer has committed, so a committed op reaches the
/// read model in milliseconds instead of at the next poll. One signal per journal transaction (not per op), set after
/// the acks are released: it costs the op's path nothing it waits for. Process-wide because the journal is made by
/// Akka from config, not from DI. A process runs one host; a test process that runs several wakes one projector per
/// signal, and the others see the commit at their next poll. Writes of other nodes (PostgreSQL) are seen at the poll.
/// </summary>
public static class JournalCommitSignal
{
    private static readonly SemaphoreSlim Committed = new(0, 1);

    public static void Raise()
    {
        // At most one pending wake-up: a projector that wakes reads everything committed by then.
        if (Committed.CurrentCount == 0)
        {
            try
            {
                Committed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Raised by two writers at once: one wake-up is enough.
            }
        }
    }

    /// <summary>Waits for a commit, at most <paramref name="timeout"/>; false when the time passed first or on cancellation.</summary>
    public static bool Wait(TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            return Committed.Wait(timeout, cancellation);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
