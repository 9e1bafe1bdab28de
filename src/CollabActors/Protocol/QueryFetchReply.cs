using CollabActors.Queries;

namespace CollabActors.Protocol;

/// <summary>
/// Reply to <c>qf</c>: <c>{a: "qf", id, data: [{v, data, type?, d}, ...], extra?}</c> as ShareDB's agent sends it
/// (type left out for json0); a <c>$count</c> query has no documents and its number in <c>extra</c>.
/// </summary>
public sealed record QueryFetchReply(long QueryId, QueryResults Results) : ServerMessage
{
    public override string Action => MessageActions.QueryFetch;
}
