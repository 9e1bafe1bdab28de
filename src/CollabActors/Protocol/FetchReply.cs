namespace CollabActors.Protocol;

/// <summary>Reply to <c>f</c>: the snapshot, or no data when the request named a version (the ops were sent first).</summary>
public sealed record FetchReply(string Collection, string DocumentId, WireSnapshot? Snapshot) : ServerMessage
{
    public override string Action => MessageActions.Fetch;
}
