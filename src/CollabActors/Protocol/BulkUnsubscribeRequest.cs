namespace CollabActors.Protocol;

/// <summary><c>bu</c>: unsubscribe from several documents of one collection at once.</summary>
public sealed record BulkUnsubscribeRequest(string Collection, BulkSelection Documents) : ClientMessage
{
    public override string Action => MessageActions.BulkUnsubscribe;

    public override RequestEcho Echo() => new(Action, Collection, Bulk: Documents);
}
