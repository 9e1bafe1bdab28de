namespace CollabActors.Protocol;

/// <summary>
/// <c>init</c> (sent on open) and <c>hs</c> (the handshake reply): protocol 1.2, the client's id, and the default
/// type the stock client insists on (<c>json0</c>'s URI, although documents here are text-unicode).
/// </summary>
public sealed record HandshakeReply(string ReplyAction, string ClientId) : ServerMessage
{
    public const int ProtocolMajor = 1;
    public const int ProtocolMinor = 2;
    public const string DefaultTypeUri = "http://sharejs.org/types/JSONv0";

    public override string Action => ReplyAction;

    public static HandshakeReply Init(string clientId) => new(MessageActions.Init, clientId);

    public static HandshakeReply Handshake(string clientId) => new(MessageActions.Handshake, clientId);
}
