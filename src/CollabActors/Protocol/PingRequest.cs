namespace CollabActors.Protocol;

/// <summary><c>pp</c>: the client's application-level ping (<c>connection.ping()</c>); answered with <c>{a:"pp"}</c>.</summary>
public sealed record PingRequest : ClientMessage
{
    public static readonly PingRequest Instance = new();

    public override string Action => MessageActions.PingPong;

    public override RequestEcho Echo() => new(Action);
}
