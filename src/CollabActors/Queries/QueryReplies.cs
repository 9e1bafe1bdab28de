using CollabActors.Protocol;

namespace CollabActors.Queries;

/// <summary>What a connection pipes back to itself when a query it started ends.</summary>
public static class QueryReplies
{
    public sealed record Fetched(QueryRequest Request, QueryResults Results);

    public sealed record Failed(QueryRequest Request, ProtocolError Error);
}
