using CollabLoad.Metrics;

namespace CollabLoad.Reporting;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary From(LatencyHistogram h) => new(h.Count,
        Ms(h.PercentileMicros(50)), Ms(h.PercentileMicros(95)), Ms(h.PercentileMicros(99)), Ms(h.MaxMicros), Math.Round(h.MeanMicros / 1000.0, 3));

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>The end-of-run check that every editor holds the server's text.</summary>
public sealed record ConvergenceResult(int DocsChecked, int EditorsChecked, int DivergentEditors, IReadOnlyList<string> Divergences)
{
    public bool Converged => DivergentEditors == 0 && EditorsChecked > 0;
}

/// <summary>One histogram bucket for the report's latency chart.</summary>
public sealed record HistogramBucket(double UpperMs, long Count);

/// <summary>Everything a typing run measured; written as JSON and drawn in the HTML report.</summary>
public sealed record LoadResult
{
    public required string Label { get; init; }
    public required string Url { get; init; }
    public required string Mode { get; init; }
    public required string Encoding { get; init; }
    public required int Docs { get; init; }
    public required int EditorsPerDoc { get; init; }
    public required int Editors { get; init; }
    public required double RatePerEditor { get; init; }
    /// <summary>Editors × rate: the edits per second the open loop asks for (null in closed loop).</summary>
    public double? TargetEditsPerSecond { get; init; }
    public required double MeasuredSeconds { get; init; }
    public required double RampUpSeconds { get; init; }
    public required int Seed { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required string Command { get; init; }
    public required int ConnectedEditors { get; init; }
    public required long ConnectFailures { get; init; }
    public required long Edits { get; init; }
    public required double EditsPerSecond { get; init; }
    public required long OpsSent { get; init; }
    public required long OpsAcked { get; init; }
    /// <summary>Acknowledged ops per second over the measured window (after ramp-up).</summary>
    public required double AckedOpsPerSecond { get; init; }
    public required long RemoteDeliveries { get; init; }
    public required LatencySummary AckLatency { get; init; }
    public required LatencySummary DeliveryLatency { get; init; }
    public required LatencySummary SchedulerLag { get; init; }
    public required long PresenceSent { get; init; }
    public required long PresenceReceived { get; init; }
    public required long Errors { get; init; }
    public required IReadOnlyList<string> ErrorSamples { get; init; }
    public required long Reconnects { get; init; }
    public required ConvergenceResult Convergence { get; init; }
    public long? ServerRssBytesAtEnd { get; init; }
    /// <summary>The server's CPU time (user + system, /proc) over the measured window only; null without --server-pid.</summary>
    public double? ServerCpuSeconds { get; init; }
    /// <summary><see cref="ServerCpuSeconds"/> divided by the ops acknowledged in the same window.</summary>
    public double? ServerCpuMicrosPerAckedOp { get; init; }
    public required IReadOnlyList<TimelineSecond> Timeline { get; init; }
    public required IReadOnlyList<HistogramBucket> AckHistogram { get; init; }
    public required IReadOnlyList<HistogramBucket> DeliveryHistogram { get; init; }

    /// <summary>Server and database CPU over the measured window (when --cpu-pids / --database-pid were given).</summary>
    public WindowCpu? Cpu { get; init; }

    /// <summary>What a failover run (--kill-busiest-after) saw.</summary>
    public FailoverResult? Failover { get; init; }

    /// <summary>A failover run passes with reconnects and the errors they cause; it fails on a lost or doubled op.</summary>
    public bool Passed => Failover is { } f
        ? ConnectFailures == 0 && Convergence.Converged && f.LostAckedOps == 0 && f.VersionsWithoutAck == 0
        : Errors == 0 && ConnectFailures == 0 && Convergence.Converged;
}

/// <summary>
/// CPU seconds used over the measured window, summed over the server processes, and the database's beside it;
/// per acknowledged op of the window in microseconds.
/// </summary>
public sealed record WindowCpu(
    double Seconds,
    long AckedOps,
    double? ServerSeconds,
    double? ServerMicrosPerAckedOp,
    double? DatabaseSeconds,
    double? DatabaseMicrosPerAckedOp,
    string LoadAverageAtStart,
    string LoadAverageAtEnd);

/// <summary>
/// A failover run: which node was killed, how long documents took to answer again, how long editors stalled, and
/// the check that every acknowledged op is on the server exactly once.
/// </summary>
/// <param name="DocumentRecoveryMaxSeconds">Over documents, the longest time from the kill to the document's first ack.</param>
/// <param name="EditorStallMaxSeconds">Over editors, the longest from a keystroke to its op's ack.</param>
/// <param name="BeyondRecoveryMaxSeconds">Over editors, how much later than its document's first ack its own first ack came.</param>
/// <param name="LostAckedOps">Acked ops whose version the server does not have (server version below them).</param>
/// <param name="VersionsWithoutAck">Committed versions no editor was acked for: an op applied twice (nothing is pending at the end).</param>
/// <param name="LateEditors">Each editor whose first ack came more than 3 s after its document's: who, where, and when it reconnected.</param>
/// <param name="DownDocumentsBackSeconds">
/// The recovery times over 1 s, in order: the documents the killed node hosted (the others answer within an edit or
/// two). Their spread is the part of a failover that comes after the cluster has moved the shards.
/// </param>
public sealed record FailoverResult(
    int KilledPid,
    double KilledAfterSeconds,
    int Documents,
    double DocumentRecoveryMaxSeconds,
    double DocumentRecoveryP50Seconds,
    double EditorStallMaxSeconds,
    double EditorStallP50Seconds,
    double BeyondRecoveryMaxSeconds,
    int EditorsStalledOver3sBeyondRecovery,
    long AckedOps,
    long LostAckedOps,
    long VersionsWithoutAck,
    long DuplicateAcks,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> LateEditors,
    IReadOnlyList<double> DownDocumentsBackSeconds);

/// <summary>What an idle-connections run measured.</summary>
public sealed record IdleResult
{
    public required string Label { get; init; }
    public required string Url { get; init; }
    public required string Encoding { get; init; }
    public required int ConnectionsRequested { get; init; }
    public required int ConnectionsHeld { get; init; }
    public required int ConnectFailures { get; init; }
    public required IReadOnlyList<string> ErrorSamples { get; init; }
    public required int? SourceAddresses { get; init; }
    /// <summary>Every N-th connection subscribed to a document; the others only handshook.</summary>
    public required int SubscribeEvery { get; init; }
    public required double HeldSeconds { get; init; }
    public required double ConnectSeconds { get; init; }
    public long? ServerRssBytesBefore { get; init; }
    public long? ServerRssBytesHeld { get; init; }
    /// <summary>(RSS while holding − RSS before) / connections held.</summary>
    public double? ServerBytesPerConnection { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required string Command { get; init; }

    public bool Passed => ConnectFailures == 0 && ConnectionsHeld == ConnectionsRequested;
}
