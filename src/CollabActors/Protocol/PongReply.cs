namespace CollabActors.Protocol;

/// <summary>Reply to <c>pp</c>.</summary>
public sealed record PongReply : ServerMessage
{
    public static readonly PongReply Instance = new();

    public override string Action => MessageActions.PingPong;
}
