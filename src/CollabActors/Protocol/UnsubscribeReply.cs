namespace CollabActors.Protocol;

/// <summary>Reply to <c>u</c>.</summary>
public sealed record UnsubscribeReply(string Collection, string DocumentId) : ServerMessage
{
    public override string Action => MessageActions.Unsubscribe;
}
