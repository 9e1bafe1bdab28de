namespace CollabActors.Protocol;

/// <summary>
/// <c>pr</c>: with a channel, pushed to the others on it (they answer by resending their presence); without one,
/// the bare reply to the requester, as ShareDB sends it (the client ignores it).
/// </summary>
public sealed record PresenceRequestMessage(string? Channel) : ServerMessage
{
    public override string Action => MessageActions.PresenceRequest;
}
