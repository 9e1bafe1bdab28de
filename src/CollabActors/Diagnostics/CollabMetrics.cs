using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CollabActors.Diagnostics;

/// <summary>
/// The server's metrics as .NET <see cref="Meter"/> instruments (no exporter dependency here): the host's
/// <c>/metrics</c> endpoint publishes them in Prometheus text format under these names (counters get <c>_total</c>).
/// Tags never carry document text, ids or tokens, only bounded sets (reasons, error codes).
/// </summary>
public static class CollabMetrics
{
    public const string MeterName = "CollabSuite";

    private static readonly Meter Meter = new(MeterName);

    private static long _openConnections;
    private static long _activeDocuments;

    private static readonly Counter<long> OpsCommittedCounter =
        Meter.CreateCounter<long>("collab_ops_committed", description: "Ops written to the journal and applied.");

    private static readonly Histogram<double> AckLatency = Meter.CreateHistogram<double>("collab_op_ack_seconds", "s",
        "From an op's arrival at its connection to its acknowledgement being queued to the client.");

    private static readonly Histogram<double> JournalWriteLatency = Meter.CreateHistogram<double>(
        "collab_journal_write_seconds", "s", "From Persist of a committed op to its persist callback.");

    private static readonly Histogram<double> JournalCommit = Meter.CreateHistogram<double>(
        "collab_journal_commit_seconds", "s",
        "One journal transaction, from its begin to its commit's return (the wait for the write lock, the rows and the fsync): every write the journal writer took together.");

    private static readonly Histogram<double> JournalLockWait = Meter.CreateHistogram<double>(
        "collab_journal_lock_wait_seconds", "s",
        "How long the SQLite journal writer waited for the database's write lock before a transaction (held by the snapshot store, the read model or another process).");

    private static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>("collab_slow_consumers_dropped",
        description: "Connections closed (1008) because they did not read what was sent to them.");

    private static readonly Counter<long> Rejected = Meter.CreateCounter<long>("collab_messages_rejected",
        description: "Client messages refused, by reason (an error code, or an HTTP refusal at the upgrade).");

    private static readonly Counter<long> FanoutOps = Meter.CreateCounter<long>("collab_fanout_ops",
        description: "Committed ops this node's fan-out received from a document: one per op per node with subscribers.");

    private static readonly Counter<long> FanoutDeliveries = Meter.CreateCounter<long>("collab_fanout_deliveries",
        description: "Ops this node's fan-out handed to its subscribers (one per subscriber per op, the author excepted).");

    private static readonly Counter<long> BroadcastEncodings = Meter.CreateCounter<long>("collab_broadcast_encodings",
        description: "Pushed frames (ops and presence) encoded, by encoding: at most one per encoding per node per op.");

    private static readonly Counter<long> ClusterMessagesSent = Meter.CreateCounter<long>("collab_cluster_messages_sent",
        description: "Messages this node serialized for another node, by kind (the serializer's manifest).");

    private static readonly Counter<long> FanoutCommandsBatched = Meter.CreateCounter<long>("collab_fanout_batched_commands",
        description: "Commands of this node's documents for another node's fan-out, sent inside a batch (fanout-batch.1), by kind.");

    private static readonly Counter<long> WebSocketsAccepted = Meter.CreateCounter<long>("collab_websockets_accepted",
        description: "WebSockets accepted at /ws, by the HTTP version they were opened over (HTTP/1.1 upgrade, HTTP/2 extended CONNECT).");

    private static readonly Counter<long> WebSocketsBelowHttp = Meter.CreateCounter<long>("collab_websockets_below_http",
        description: "WebSockets whose handshake was answered on Kestrel's connection, below ASP.NET Core's HTTP layer (also counted in collab_websockets_accepted).");

    static CollabMetrics()
    {
        Meter.CreateObservableGauge("collab_connections_open", () => Interlocked.Read(ref _openConnections),
            description: "WebSocket connections open on this node.");
        Meter.CreateObservableGauge("collab_documents_active", () => Interlocked.Read(ref _activeDocuments),
            description: "Document actors running on this node.");
    }

    /// <summary>Creates the instruments; a zero measurement makes the untagged counters visible before their first event.</summary>
    public static void Initialize()
    {
        OpsCommittedCounter.Add(0);
        SlowConsumers.Add(0);
        FanoutOps.Add(0);
        FanoutDeliveries.Add(0);
        foreach (string protocol in (string[])["HTTP/1.1", "HTTP/2"]) WebSocketsAccepted.Add(0, Protocol(protocol));
        WebSocketsBelowHttp.Add(0);
    }

    public static void ConnectionOpened() => Interlocked.Increment(ref _openConnections);

    public static void ConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    public static void DocumentStarted() => Interlocked.Increment(ref _activeDocuments);

    public static void DocumentStopped() => Interlocked.Decrement(ref _activeDocuments);

    public static void OpCommitted(TimeSpan journalWrite)
    {
        OpsCommittedCounter.Add(1);
        JournalWriteLatency.Record(journalWrite.TotalSeconds);
    }

    public static void RecordJournalLockWait(TimeSpan waited) => JournalLockWait.Record(waited.TotalSeconds);

    public static void RecordJournalCommit(TimeSpan took) => JournalCommit.Record(took.TotalSeconds);

    public static void OpAcknowledged(long receivedAtTimestamp) =>
        AckLatency.Record(Stopwatch.GetElapsedTime(receivedAtTimestamp).TotalSeconds);

    public static void FanoutPublished(int deliveries)
    {
        FanoutOps.Add(1);
        FanoutDeliveries.Add(deliveries);
    }

    public static void BroadcastEncoded(string encoding) =>
        BroadcastEncodings.Add(1, new KeyValuePair<string, object?>("encoding", encoding));

    public static void ClusterMessageSent(string kind) =>
        ClusterMessagesSent.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void FanoutCommandBatched(string kind) =>
        FanoutCommandsBatched.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <param name="protocol">"HTTP/1.1", "HTTP/2" or "HTTP/3": never a client's own string.</param>
    public static void WebSocketAccepted(string protocol) => WebSocketsAccepted.Add(1, Protocol(protocol));

    public static void WebSocketServedBelowHttp() => WebSocketsBelowHttp.Add(1);

    private static KeyValuePair<string, object?> Protocol(string protocol) => new("protocol", protocol);

    public static void SlowConsumerDropped() => SlowConsumers.Add(1);

    public static void MessageRejected(string reason) => Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Connections and documents currently counted (for tests and the readiness view).</summary>
    public static long OpenConnections => Interlocked.Read(ref _openConnections);
}
