namespace CollabHost.ReadModel;

/// <summary>
/// Where the projector's saved position may move after a batch of journal rows: to the last row, unless the
/// orderings after the old position have a hole. On PostgreSQL a transaction of another node may take an ordering and
/// commit after later ones are visible, so a hole holds the position just before it, for at most
/// <see cref="Wait"/>; a hole still open then is a write that was rolled back (its ordering is never used) and is
/// passed. Time is passed in (ms), so tests control it.
/// </summary>
public sealed class JournalHoles(TimeSpan wait)
{
    private long _holeAt = -1;
    private long _seenAtMs;

    public TimeSpan Wait { get; } = wait;

    /// <param name="orderings">The batch's orderings, ascending, all after <paramref name="position"/>; not empty.</param>
    /// <param name="waitForHoles">False (a rebuild, nothing in flight): every hole is final.</param>
    public long NextPosition(long position, IReadOnlyList<long> orderings, long nowMs, bool waitForHoles = true)
    {
        long contiguous = position;
        foreach (long ordering in orderings)
        {
            if (ordering != contiguous + 1) break;
            contiguous = ordering;
        }
        long last = orderings[^1];
        if (contiguous == last || !waitForHoles)
        {
            _holeAt = -1;
            return last;
        }
        long hole = contiguous + 1;
        if (_holeAt != hole)
        {
            _holeAt = hole;
            _seenAtMs = nowMs;
        }
        if (nowMs - _seenAtMs < (long)Wait.TotalMilliseconds) return contiguous;
        _holeAt = -1;
        return last;
    }
}
