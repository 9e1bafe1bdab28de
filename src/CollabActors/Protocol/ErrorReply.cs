namespace CollabActors.Protocol;

/// <summary>A failed request's reply: the request's routing fields echoed, plus <c>error: {code, message}</c>.</summary>
public sealed record ErrorReply(RequestEcho Request, ProtocolError Error) : ServerMessage
{
    public override string Action => Request.Action ?? "";

    public static ErrorReply To(ClientMessage request, string code, string message) =>
        new(request.Echo(), new ProtocolError(code, message));
}
