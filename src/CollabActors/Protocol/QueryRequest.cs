namespace CollabActors.Protocol;

/// <summary><c>qf</c>/<c>qs</c>/<c>qu</c>: a query request. Parsed only to answer that queries are not supported.</summary>
public sealed record QueryRequest(string QueryAction, long QueryId, string? Collection) : ClientMessage
{
    public override string Action => QueryAction;

    public override RequestEcho Echo() => new(Action, Collection, RequestId: QueryId);
}
