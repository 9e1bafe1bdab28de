namespace CollabActors.Protocol;

/// <summary>Reply to <c>nf</c>/<c>nt</c>: <c>{a, id: requestId, v, type, data}</c>.</summary>
public sealed record SnapshotReply(string ReplyAction, long RequestId, WireSnapshot Snapshot) : ServerMessage
{
    public override string Action => ReplyAction;
}
