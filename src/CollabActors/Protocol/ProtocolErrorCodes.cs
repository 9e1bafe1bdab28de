namespace CollabActors.Protocol;

/// <summary>
/// Error codes sent in <c>error.code</c>. ShareDB's own <c>ERR_*</c> codes (lib/error.js) where one fits, so stock
/// clients react as they do against a ShareDB server; the few that ShareDB lacks follow its naming.
/// </summary>
public static class ProtocolErrorCodes
{
    /// <summary>Invalid JSON or UTF-8, an unknown action, a missing or mistyped field.</summary>
    public const string MessageBadlyFormed = "ERR_MESSAGE_BADLY_FORMED";

    /// <summary>An op whose components are not a text-unicode op.</summary>
    public const string OpBadlyFormed = "ERR_OT_OP_BADLY_FORMED";

    /// <summary>An op that does not fit the document (skips or deletes past its end).</summary>
    public const string OpNotApplied = "ERR_OT_OP_NOT_APPLIED";

    public const string OpVersionNewerThanCurrentSnapshot = "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT";
    public const string DocAlreadyCreated = "ERR_DOC_ALREADY_CREATED";
    public const string DocDoesNotExist = "ERR_DOC_DOES_NOT_EXIST";
    public const string DocTypeNotRecognized = "ERR_DOC_TYPE_NOT_RECOGNIZED";
    public const string DocWasDeleted = "ERR_DOC_WAS_DELETED";

    /// <summary>A presence whose <c>t</c> names a type without transformPresence (json0), or no type known here.</summary>
    public const string TypeDoesNotSupportPresence = "ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE";

    /// <summary>An op's base version is older than the ops this server keeps to transform it (ShareDB's code for missing ops).</summary>
    public const string OpVersionTooOld = "ERR_SUBMIT_TRANSFORM_OPS_NOT_FOUND";

    /// <summary>The op would make the document larger than its size limit.</summary>
    public const string DocumentTooLarge = "ERR_DOCUMENT_TOO_LARGE";

    /// <summary>nf/nt asked for a version or time older than this server keeps.</summary>
    public const string SnapshotUnavailable = "ERR_SNAPSHOT_UNAVAILABLE";
    public const string ConnectionSeqIntegerOverflow = "ERR_CONNECTION_SEQ_INTEGER_OVERFLOW";

    /// <summary>qf/qs/qu: this server keeps documents, not a queryable database.</summary>
    public const string QueriesNotSupported = "ERR_QUERIES_NOT_SUPPORTED";

    /// <summary>A query uses an operator or form outside the subset we compile (docs/queries.md); the message names it.</summary>
    public const string QueryNotSupported = "ERR_QUERY_NOT_SUPPORTED";

    /// <summary>A query that is not well formed (a <c>$in</c> without an array, a negative <c>$limit</c>, ...).</summary>
    public const string QueryInvalid = "ERR_QUERY_INVALID";

    /// <summary>A query that asks for, or matches, more documents than <c>Collab:Queries:MaxResults</c> without a smaller <c>$limit</c>.</summary>
    public const string QueryTooLarge = "ERR_QUERY_TOO_LARGE";

    /// <summary>A query that did not finish within <c>Collab:Queries:Timeout</c>, or found the read model not ready; try again.</summary>
    public const string QueryUnavailable = "ERR_QUERY_UNAVAILABLE";

    /// <summary>The connection, or the node, already holds as many live subscribe queries (<c>qs</c>) as it may.</summary>
    public const string TooManyQuerySubscriptions = "ERR_TOO_MANY_QUERY_SUBSCRIPTIONS";

    /// <summary>A <c>qu</c> for a query id this connection has no subscribe query under.</summary>
    public const string QueryNotSubscribed = "ERR_QUERY_NOT_SUBSCRIBED";

    /// <summary>The connection already holds as many document subscriptions as it may.</summary>
    public const string TooManySubscriptions = "ERR_TOO_MANY_SUBSCRIPTIONS";

    /// <summary>The document did not answer in time (it is restarting or its node is unreachable).</summary>
    public const string DocumentUnavailable = "ERR_DOCUMENT_UNAVAILABLE";

    /// <summary>The connection's access token does not allow this (read or write on this document, or this src).</summary>
    public const string AccessDenied = "ERR_ACCESS_DENIED";

    /// <summary>The connection sends messages or ops faster than its rate limit; persisting closes it with 1008.</summary>
    public const string RateLimited = "ERR_RATE_LIMITED";

    /// <summary>A bulk fetch or subscribe names more documents than one request may.</summary>
    public const string BulkTooLarge = "ERR_BULK_TOO_LARGE";

    /// <summary>A collection, document id or presence channel longer than <see cref="WireLimits.MaxNameLength"/> allows.</summary>
    public const string NameTooLong = "ERR_NAME_TOO_LONG";

    /// <summary>A presence value past the connection's presence bounds (count or bytes, per channel or in all).</summary>
    public const string PresenceOverLimit = "ERR_PRESENCE_OVER_LIMIT";

    public const string UnknownError = "ERR_UNKNOWN_ERROR";
}
