namespace CollabActors.Protocol;

/// <summary><c>ps</c>: start receiving the presence of others on a channel; <see cref="Seq"/> orders (un)subscribes.</summary>
public sealed record PresenceSubscribeRequest(string Channel, long Seq) : ClientMessage
{
    public override string Action => MessageActions.PresenceSubscribe;

    public override RequestEcho Echo() => new(Action, Channel: Channel, Seq: Seq);
}
