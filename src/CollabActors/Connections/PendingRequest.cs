using CollabActors.Documents;
using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>
/// A request sent on to a document and waiting for its reply; bulk requests share one <see cref="BulkProgress"/>.
/// <see cref="SentAt"/> is a <see cref="System.Diagnostics.Stopwatch"/> timestamp, for the ack-latency metric.
/// <see cref="Command"/> is what went to the document, kept to send again if it is reported undelivered.
/// </summary>
/// <c>Resubscription</c> marks a subscribe the connection sent by itself after <see cref="DocumentReplies.SubscriptionLost"/>: the
/// client asked for nothing, so it gets the catch-up ops but no reply. <c>ForQuery</c> marks a subscribe for a document a live
/// query's results hold: the client has its snapshot from the query, so it too gets the catch-up ops and no reply.
internal sealed record PendingRequest(
    ClientMessage Request, DocumentCommands.IDocumentRequest Command, BulkProgress? Bulk = null, long SentAt = 0, bool Resubscription = false,
    bool ForQuery = false)
{
    public DocumentId Document => Command.Document;
}

/// <summary>
/// A bulk fetch or subscribe, served in parts of at most a given number of documents: each part's documents are asked
/// at once, and when all have answered the client gets a bulk reply naming just them (the stock client handles each
/// document a bulk reply names, so parts are as good as one reply) and the next part starts. A part bounds the
/// document actors one request starts at once and the snapshots held for its reply.
/// </summary>
internal sealed class BulkProgress(ClientMessage request, string collection, BulkSelection documents)
{
    private int _next;

    public ClientMessage Request { get; } = request;
    public string Collection { get; } = collection;
    public BulkSelection Documents { get; } = documents;

    /// <summary>The documents being asked now; results are gathered for them only.</summary>
    public BulkSelection Part { get; private set; } = documents;
    public Dictionary<string, BulkItemResult> Results { get; private set; } = new();

    /// <summary>True while the part's requests are being sent: a part that completes meanwhile is answered after.</summary>
    public bool Starting { get; set; }

    public bool PartComplete => Results.Count == Part.Ids.Count;

    /// <summary>Moves on to the next part of at most <paramref name="size"/> documents (each named once); null when none are left.</summary>
    public BulkSelection? NextPart(int size)
    {
        if (_next >= Documents.Ids.Count) return null;
        var ids = new List<string>(Math.Min(size, Documents.Ids.Count - _next));
        var seen = new HashSet<string>();
        for (; _next < Documents.Ids.Count && ids.Count < size; _next++)
        {
            if (seen.Add(Documents.Ids[_next])) ids.Add(Documents.Ids[_next]);
        }
        Part = Documents.Versions is { } versions
            // An id the client sent with a null version wants a snapshot: it is in Ids but not in Versions.
            ? new BulkSelection(ids, ids.Where(versions.ContainsKey).ToDictionary(id => id, id => versions[id]))
            : BulkSelection.OfIds(ids);
        Results = new Dictionary<string, BulkItemResult>();
        return Part;
    }
}
