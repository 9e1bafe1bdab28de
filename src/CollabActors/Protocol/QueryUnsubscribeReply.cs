namespace CollabActors.Protocol;

/// <summary>Reply to <c>qu</c>: <c>{a: "qu", id}</c> (the stock client ignores it).</summary>
public sealed record QueryUnsubscribeReply(long QueryId) : ServerMessage
{
    public override string Action => MessageActions.QueryUnsubscribe;
}
