using CollabActors.Protocol;

namespace CollabActors.Queries;

/// <summary>What a connection pipes back to itself when a query it started ends, and what the node's live queries tell it.</summary>
public static class QueryReplies
{
    public sealed record Fetched(QueryRequest Request, QueryResults Results);

    /// <summary>A query failed; <see cref="Token"/> names the subscription for a <c>qs</c> (0 for <c>qf</c>).</summary>
    public sealed record Failed(QueryRequest Request, ProtocolError Error, long Token = 0);

    /// <summary>A subscribe query's first results.</summary>
    public sealed record Subscribed(QueryRequest Request, long Token, QueryResults Results);

    /// <summary>
    /// A subscribe query's results changed: <see cref="Diff"/> turns the previous results into the new ones (empty when
    /// only the count changed); <see cref="Count"/> is the new <c>$count</c> when <see cref="CountChanged"/>.
    /// </summary>
    public sealed record Changed(long QueryId, long Token, IReadOnlyList<ResultsChange> Diff, bool CountChanged, long? Count);
}
