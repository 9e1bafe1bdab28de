namespace CollabActors.Protocol;

/// <summary>
/// <c>qf</c>/<c>qs</c>/<c>qu</c>: a query request. <see cref="Query"/> is the MongoDB-style query (<c>q</c>), present
/// for <c>qf</c> and <c>qs</c>. <see cref="KnownVersions"/> (<c>r</c> of a <c>qs</c> sent again after a reconnect):
/// the versions at which the client has the documents of its previous results.
/// </summary>
public sealed record QueryRequest(string QueryAction, long QueryId, string? Collection, JsonText? Query = null,
    IReadOnlyDictionary<string, long>? KnownVersions = null) : ClientMessage
{
    public override string Action => QueryAction;

    public override RequestEcho Echo() => new(Action, Collection, RequestId: QueryId);
}
