namespace CollabActors.Protocol;

/// <summary><c>nt</c>: a read-only snapshot as it was at a time (Unix ms; null: the latest).</summary>
public sealed record SnapshotAtTimeRequest(long RequestId, string Collection, string DocumentId, long? TimestampMs)
    : ClientMessage
{
    public override string Action => MessageActions.SnapshotFetchByTimestamp;

    public override RequestEcho Echo() => new(Action, Collection, DocumentId, RequestId: RequestId);
}
