namespace CollabHost.Persistence;

/// <summary>
/// The database-specific part of the <see cref="JournalWriter"/>: its connection and prepared statements, used by the
/// writer thread alone.
/// </summary>
public interface IJournalDatabase : IDisposable
{
    /// <summary>
    /// Inserts the rows of the requests (and their tags) in one transaction and commits it. On any error it throws
    /// and keeps nothing of them, and drops its connection so that a connection or statement left in a bad state
    /// never outlives the failure (the next call opens a new one).
    /// </summary>
    void Commit(IReadOnlyList<JournalWriteRequest> requests);
}
