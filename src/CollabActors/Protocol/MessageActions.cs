namespace CollabActors.Protocol;

/// <summary>The ShareDB wire protocol's action names (the `a` field), as lib/message-actions.js spells them.</summary>
public static class MessageActions
{
    public const string Init = "init";
    public const string Handshake = "hs";
    public const string QueryFetch = "qf";
    public const string QuerySubscribe = "qs";
    public const string QueryUnsubscribe = "qu";
    public const string QueryUpdate = "q";
    public const string BulkFetch = "bf";
    public const string BulkSubscribe = "bs";
    public const string BulkUnsubscribe = "bu";
    public const string Fetch = "f";
    public const string Subscribe = "s";
    public const string Unsubscribe = "u";
    public const string Op = "op";
    public const string SnapshotFetch = "nf";
    public const string SnapshotFetchByTimestamp = "nt";
    public const string PingPong = "pp";
    public const string Presence = "p";
    public const string PresenceSubscribe = "ps";
    public const string PresenceUnsubscribe = "pu";
    public const string PresenceRequest = "pr";
}
