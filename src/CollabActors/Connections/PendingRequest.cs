using CollabActors.Documents;
using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>
/// A request sent on to a document and waiting for its reply; bulk requests share one <see cref="BulkProgress"/>.
/// <see cref="SentAt"/> is a <see cref="System.Diagnostics.Stopwatch"/> timestamp, for the ack-latency metric.
/// <see cref="Command"/> is what went to the document, kept to send again if it is reported undelivered.
/// </summary>
/// <c>Resubscription</c> marks a subscribe the connection sent by itself after <see cref="DocumentReplies.SubscriptionLost"/>: the
/// client asked for nothing, so it gets the catch-up ops but no reply.
internal sealed record PendingRequest(
    ClientMessage Request, DocumentCommands.IDocumentRequest Command, BulkProgress? Bulk = null, long SentAt = 0, bool Resubscription = false)
{
    public DocumentId Document => Command.Document;
}

/// <summary>A bulk fetch or subscribe gathering one reply per document before it answers the client.</summary>
internal sealed class BulkProgress(ClientMessage request, string collection, BulkSelection documents)
{
    public ClientMessage Request { get; } = request;
    public string Collection { get; } = collection;
    public BulkSelection Documents { get; } = documents;
    public Dictionary<string, BulkItemResult> Results { get; } = new();
    public bool Complete => Results.Count == Documents.Ids.Count;
}
