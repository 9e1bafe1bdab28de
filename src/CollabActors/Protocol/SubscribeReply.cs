namespace CollabActors.Protocol;

/// <summary>Reply to <c>s</c>: the snapshot, or no data when the client was caught up with ops instead.</summary>
public sealed record SubscribeReply(string Collection, string DocumentId, WireSnapshot? Snapshot) : ServerMessage
{
    public override string Action => MessageActions.Subscribe;
}
