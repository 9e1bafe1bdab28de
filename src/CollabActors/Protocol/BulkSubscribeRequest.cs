namespace CollabActors.Protocol;

/// <summary><c>bs</c>: subscribe to several documents of one collection at once (the client does this on reconnect).</summary>
public sealed record BulkSubscribeRequest(string Collection, BulkSelection Documents) : ClientMessage
{
    public override string Action => MessageActions.BulkSubscribe;

    public override RequestEcho Echo() => new(Action, Collection, Bulk: Documents);
}
