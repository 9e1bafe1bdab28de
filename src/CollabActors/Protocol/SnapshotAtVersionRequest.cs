namespace CollabActors.Protocol;

/// <summary><c>nf</c>: a read-only snapshot at a version (null: the latest). <see cref="RequestId"/> routes the reply.</summary>
public sealed record SnapshotAtVersionRequest(long RequestId, string Collection, string DocumentId, long? Version)
    : ClientMessage
{
    public override string Action => MessageActions.SnapshotFetch;

    public override RequestEcho Echo() => new(Action, Collection, DocumentId, RequestId: RequestId, Version: Version);
}
