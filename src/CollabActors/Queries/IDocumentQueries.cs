using CollabActors.Protocol;
using CollabActors.Security;

namespace CollabActors.Queries;

/// <summary>
/// What answers a connection's queries (the host's read model). The connection calls it off its own mailbox and pipes
/// the result back to itself; a refusal is a <see cref="QueryRejectedException"/> with the wire's error code.
/// </summary>
public interface IDocumentQueries
{
    /// <param name="readable">Patterns the token may read (null: everything); only documents they match are returned.</param>
    Task<QueryResults> FetchAsync(string collection, JsonText query, IReadOnlyList<DocumentPattern>? readable, CancellationToken cancellation);
}

/// <summary>A query's answer: the documents in order, or, for <c>$count</c>, only their number (ShareDB's <c>extra</c>).</summary>
public sealed record QueryResults(IReadOnlyList<QueriedDocument> Documents, long? Count);

/// <summary>One document in a query's answer: its snapshot as the wire has it, and its created and modified times (Unix ms).</summary>
public sealed record QueriedDocument(string Id, WireSnapshot Snapshot, long? CreatedMs, long ModifiedMs);
