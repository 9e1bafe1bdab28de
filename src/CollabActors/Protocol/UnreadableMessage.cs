namespace CollabActors.Protocol;

/// <summary>
/// A frame that could not be read as a valid request (bad JSON or UTF-8, unknown action, missing or mistyped field).
/// It carries the error to answer with and whatever routing fields could be read, so the reply can still be routed.
/// </summary>
public sealed record UnreadableMessage(RequestEcho Request, ProtocolError Error) : ClientMessage
{
    public override string Action => Request.Action ?? "";

    public override RequestEcho Echo() => Request;
}
