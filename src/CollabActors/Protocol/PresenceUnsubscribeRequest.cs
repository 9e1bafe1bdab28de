namespace CollabActors.Protocol;

/// <summary><c>pu</c>: stop receiving presence on a channel.</summary>
public sealed record PresenceUnsubscribeRequest(string Channel, long Seq) : ClientMessage
{
    public override string Action => MessageActions.PresenceUnsubscribe;

    public override RequestEcho Echo() => new(Action, Channel: Channel, Seq: Seq);
}
