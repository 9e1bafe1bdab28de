namespace CollabActors.Protocol;

/// <summary>Reply to <c>ps</c>/<c>pu</c>: <c>{a, ch, seq}</c>.</summary>
public sealed record PresenceSubscriptionReply(string ReplyAction, string Channel, long Seq) : ServerMessage
{
    public override string Action => ReplyAction;
}
