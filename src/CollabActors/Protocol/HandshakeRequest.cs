namespace CollabActors.Protocol;

/// <summary>
/// <c>hs</c>: the client's handshake. <see cref="PreviousClientId"/> is the id the server gave it on an earlier
/// connection; the session takes it as its <c>src</c> so ops resent after a reconnect dedupe.
/// </summary>
public sealed record HandshakeRequest(string? PreviousClientId, long? ProtocolMajor, long? ProtocolMinor) : ClientMessage
{
    public override string Action => MessageActions.Handshake;

    public override RequestEcho Echo() => new(Action);
}
