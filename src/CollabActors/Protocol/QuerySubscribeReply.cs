using CollabActors.Queries;

namespace CollabActors.Protocol;

/// <summary>
/// Reply to <c>qs</c>: <c>{a: "qs", id, data: [{v, data, type?, d}, ...], extra?}</c>, the same shape as
/// <see cref="QueryFetchReply"/>. The stock client takes the documents as its query's results.
/// </summary>
public sealed record QuerySubscribeReply(long QueryId, QueryResults Results) : ServerMessage
{
    public override string Action => MessageActions.QuerySubscribe;
}
