namespace CollabActors.Protocol;

/// <summary><c>bf</c>: fetch several documents of one collection at once.</summary>
public sealed record BulkFetchRequest(string Collection, BulkSelection Documents) : ClientMessage
{
    public override string Action => MessageActions.BulkFetch;

    public override RequestEcho Echo() => new(Action, Collection, Bulk: Documents);
}
