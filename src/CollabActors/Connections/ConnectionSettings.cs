namespace CollabActors.Connections;

/// <summary>
/// The tunables of one connection (gorilla's writeWait/pongWait/pingPeriod/maxMessageSize), bound from
/// <c>Collab:Connections</c>. The defaults keep an idle browser connected and drop a vanished peer within 45 s.
/// </summary>
public sealed record ConnectionSettings
{
    /// <summary>
    /// Largest frame a client may send; a larger one closes the socket with 1009. Anything that fits in a document must
    /// fit in a frame, or a client pasting it is closed and resends it on reconnect forever: the default holds a
    /// create or paste of the whole 10 M UTF-16 unit document at three UTF-8 bytes a unit (any text but one mostly of
    /// control characters, which JSON escapes in six) and the message around it. Frames this large are read within
    /// the node's <see cref="InboundByteBudget"/>, not sockets × this.
    /// </summary>
    public int MaxFrameBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Frames waiting to be written before the client counts as a slow consumer and is closed (1008).</summary>
    public int MaxQueuedFrames { get; init; } = 1000;

    /// <summary>Bytes waiting to be written before the client counts as a slow consumer and is closed (1008).</summary>
    public long MaxQueuedBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Least time between two socket writes of one connection. Frames that arrive sooner wait and go out together
    /// in the next write, so a busy connection costs one send per interval instead of one per frame. A connection
    /// that has not written for this long writes at once, so a quiet editor's acks and ops are not delayed. Zero
    /// writes every batch as soon as the previous one finished.
    /// </summary>
    public TimeSpan MinWriteInterval { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Write pacing applies only to a connection that was sent at least this many frames in the current or the
    /// previous second (a big room sends each editor one per op of every typist). Below it every batch is written as
    /// soon as the previous one finished, so editors of a small document see each other's keystrokes at once.
    /// </summary>
    public int PacedAboveFramesPerSecond { get; init; } = 50;

    /// <summary>How often a ping goes out. Browsers and the sharedb client answer pings by themselves.</summary>
    public TimeSpan PingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a ping the peer may stay silent before it is taken for gone and its socket aborted.</summary>
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A request to a document unanswered for this long was most likely lost with a node that crashed before the
    /// cluster noticed; the connection is closed with 1012 so the client reconnects and resends (ops dedupe by src and
    /// seq). Longer than a document takes to start elsewhere after a crash is not needed: a resend waits again.
    /// </summary>
    public TimeSpan DocumentReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after a request to a document was dead-lettered (sent towards a node that died) it is sent again. Short,
    /// so an editor waits hardly longer than its document takes to start elsewhere; long enough that a cluster still
    /// routing to the dead node is not flooded (a retry that dead-letters again waits again).
    /// </summary>
    public TimeSpan UndeliveredRetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Documents one connection may be subscribed to at once. The stock client resubscribes to all its documents in
    /// one bulk on reconnect, so this is also the largest bulk subscribe that works whole.
    /// </summary>
    public int MaxSubscriptions { get; init; } = 10_000;

    /// <summary>
    /// Most presence updates per second one editor's cursor may send into a room; updates in between are merged, the
    /// latest wins and always arrives. Keeps presence traffic linear in the room size per editor.
    /// </summary>
    public int PresenceMaxPerSecond { get; init; } = 10;

    /// <summary>
    /// Presences (ids with a value) one connection may hold on one channel; a client has one per open document or
    /// cursor, so a handful is plenty. A value for one more gets <c>ERR_PRESENCE_OVER_LIMIT</c> and is neither kept
    /// nor relayed.
    /// </summary>
    public int MaxPresencePerChannel { get; init; } = 16;

    /// <summary>Presences one connection may hold on all channels together.</summary>
    public int MaxPresencePerConnection { get; init; } = 256;

    /// <summary>
    /// Bytes (UTF-8 JSON) of the presence values one connection holds on one channel; this also bounds one value.
    /// A cursor or selection with a name and colour is under a hundred bytes.
    /// </summary>
    public int MaxPresenceBytesPerChannel { get; init; } = 64 * 1024;

    /// <summary>Bytes of the presence values one connection holds on all channels together.</summary>
    public long MaxPresenceBytesPerConnection { get; init; } = 1024 * 1024;

    /// <summary>
    /// Messages per second one connection may send on average (token bucket, refilled continuously); a message over
    /// the rate gets <c>ERR_RATE_LIMITED</c> and is not processed. ShareDB clients send one op at a time and compose
    /// the rest, so an editor typing fast stays far below this.
    /// </summary>
    public double MessagesPerSecond { get; init; } = 300;

    /// <summary>Messages a connection may send at once above the rate (opening many documents at start).</summary>
    public int MessageBurst { get; init; } = 600;

    /// <summary>Ops (<c>op</c>: edits, creates, deletes) per second one connection may submit on average.</summary>
    public double OpsPerSecond { get; init; } = 200;

    /// <summary>
    /// Ops a connection may submit at once above the rate. A ShareDB client keeps one op in flight per document, so a
    /// program editing as fast as acks return stays near 1/RTT; a person far below. Every op accepted is a journal
    /// write the document's other editors queue behind.
    /// </summary>
    public int OpBurst { get; init; } = 100;

    /// <summary>
    /// New documents (creates) per second one connection may make on average, on top of the op rate; a create over it
    /// gets <c>ERR_RATE_LIMITED</c> at once and nothing is created (the connection keeps working). A create starts a
    /// document actor that reads the journal and holds memory until it passivates, so it costs far more than an edit;
    /// a person creates a document now and then, an import script a few a second. The connections of one client
    /// address also share <c>Collab:Limits:CreatesPerSecondPerIp</c>.
    /// </summary>
    public double CreatesPerSecond { get; init; } = 10;

    /// <summary>Creates a connection may make at once above <see cref="CreatesPerSecond"/> (a new workspace's documents).</summary>
    public int CreateBurst { get; init; } = 30;

    /// <summary>
    /// Documents one bulk fetch or subscribe may name; more gets <c>ERR_BULK_TOO_LARGE</c>. As many as a connection
    /// may subscribe to, so a client reconnecting with all its documents is served. Each ten documents take one token
    /// of the message rate (at most <see cref="MessageBurst"/>, so any allowed bulk can pass).
    /// </summary>
    public int MaxBulkDocuments { get; init; } = 10_000;

    /// <summary>
    /// A bulk request is served in parts of this many documents: one part's documents are asked at once and answered
    /// in one bulk reply before the next part starts, so one frame never starts more document actors (and journal
    /// reads) at once, nor holds more snapshots for its reply, than this.
    /// </summary>
    public int BulkPartDocuments { get; init; } = 1000;

    /// <summary>
    /// Messages over the rate that wait (in order, released as the buckets refill) instead of being refused. A client
    /// that awaits each answer has one waiting at most and is only slowed down; past this many the client is sending
    /// regardless, and gets <c>ERR_RATE_LIMITED</c>. Zero: refuse at once.
    /// </summary>
    public int MaxDelayedMessages { get; init; } = 8;

    /// <summary>Messages refused for the rate within one <see cref="RateLimitWindow"/> before the connection is closed with 1008.</summary>
    public int RateLimitStrikes { get; init; } = 50;

    /// <summary>The window <see cref="RateLimitStrikes"/> counts refusals in.</summary>
    public TimeSpan RateLimitWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Fetch queries (<c>qf</c>) one connection may have running at once; one more is answered with an error.</summary>
    public int MaxQueriesInFlight { get; init; } = 4;

    /// <summary>
    /// Subscribe queries (<c>qs</c>) one connection may hold live at once; one more is refused with
    /// <c>ERR_TOO_MANY_QUERY_SUBSCRIPTIONS</c>. The documents their results hold are subscribed for the connection
    /// without counting against <see cref="MaxSubscriptions"/> (at most this many times <c>Collab:Queries:MaxResults</c>).
    /// </summary>
    public int MaxQuerySubscriptions { get; init; } = 16;

    public static ConnectionSettings Default { get; } = new();
}
