namespace CollabActors.Protocol;

/// <summary><c>pr</c>: ask everyone else on a channel to send their current presence again.</summary>
public sealed record PresenceRequest(string Channel) : ClientMessage
{
    public override string Action => MessageActions.PresenceRequest;

    public override RequestEcho Echo() => new(Action, Channel: Channel);
}
