namespace CollabActors.Documents;

/// <summary>Limits and tunables of a document actor; bound from <c>Collab:Documents</c> in the host's settings.</summary>
public sealed record DocumentSettings
{
    /// <summary>Largest document, in UTF-16 units (about bytes for ASCII text). Default 10 MB.</summary>
    public int MaxDocumentUtf16Length { get; init; } = 10 * 1024 * 1024;

    /// <summary>
    /// Recent ops kept in memory for catch-up, transforming late submits, and snapshots at past versions. A client
    /// further behind than this gets a clear error (and, once it refetches, carries on).
    /// </summary>
    public int OpLogCapacity { get; init; } = 10_000;

    /// <summary>
    /// Bound on the op log's size as well as its count: the text its ops insert and delete (the deleted text is kept
    /// to undo them), estimated as two bytes per UTF-16 unit plus a small cost per component. Without it a few hundred
    /// large pastes pinned hundreds of MB per document; past it the oldest ops are dropped from memory (the journal
    /// still has them). The newest op always stays. Default 16 MB.
    /// </summary>
    public long OpLogMaxBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>
    /// Sources (<c>src</c>) whose last committed <c>seq</c> is remembered, in snapshots too, so that a resend is
    /// acknowledged rather than applied twice even after the op log or a restart forgot the op.
    /// </summary>
    public int RecentSubmittersKept { get; init; } = 1_000;

    /// <summary>A snapshot is saved every this many ops (and when the document passivates); recovery replays the rest.</summary>
    public int SnapshotEvery { get; init; } = 500;

    /// <summary>How long a read of older ops or snapshots from the journal may take before the request fails.</summary>
    public TimeSpan HistoryReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads of older ops or snapshots one document runs at once; more wait in line, in order. Each read replays part
    /// of the journal into memory, so sixty at once on one document took gigabytes and held up every other journal
    /// read (issue 19); a few at a time keeps a document's history requests from crowding out everyone else's.
    /// </summary>
    public int MaxConcurrentHistoryReads { get; init; } = 4;

    /// <summary>Reads one document keeps waiting in line at most; one more is refused (<c>ERR_SNAPSHOT_UNAVAILABLE</c>, try again).</summary>
    public int MaxQueuedHistoryReads { get; init; } = 256;

    /// <summary>
    /// How long a document with no subscribers stays in memory after its last message before it stops (it is
    /// recovered from the journal on the next one). A document with subscribers never stops for being idle: its
    /// subscribers would stop getting its ops.
    /// </summary>
    public TimeSpan PassivateIdleAfter { get; init; } = TimeSpan.FromMinutes(2);

    public static DocumentSettings Default { get; } = new();
}
