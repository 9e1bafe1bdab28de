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

    public static DocumentSettings Default { get; } = new();
}
