namespace CollabActors.Protocol;

/// <summary>
/// The fields of a request that an error reply repeats. ShareDB echoes the whole request; the client only reads the
/// routing fields back (c/d for documents, id for snapshot and query requests, ch/id/pv for presence, ch/seq for
/// presence subscriptions, b for bulk requests), so those are what we echo — never the op itself, which can be large.
/// <see cref="Id"/> is a presence id (string); <see cref="RequestId"/> a numeric snapshot or query request id.
/// </summary>
public sealed record RequestEcho(
    string? Action,
    string? Collection = null,
    string? DocumentId = null,
    string? Id = null,
    long? RequestId = null,
    string? Channel = null,
    long? Seq = null,
    long? Version = null,
    long? PresenceVersion = null,
    string? Src = null,
    BulkSelection? Bulk = null);
