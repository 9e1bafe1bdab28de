namespace CollabActors.Protocol;

/// <summary>
/// <c>qf</c>/<c>qs</c>/<c>qu</c>: a query request. <see cref="Query"/> is the MongoDB-style query (<c>q</c>), present
/// for <c>qf</c> and <c>qs</c>; only <c>qf</c> is answered with results (subscribe queries are refused).
/// </summary>
public sealed record QueryRequest(string QueryAction, long QueryId, string? Collection, JsonText? Query = null) : ClientMessage
{
    public override string Action => QueryAction;

    public override RequestEcho Echo() => new(Action, Collection, RequestId: QueryId);
}
