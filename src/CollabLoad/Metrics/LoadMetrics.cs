namespace CollabLoad.Metrics;

/// <summary>
/// Everything a load run counts. Latency histograms only record while <see cref="Measuring"/> (after ramp-up) so
/// percentiles describe the steady state; counters and the timeline cover the whole run.
/// </summary>
public sealed class LoadMetrics
{
    public LatencyHistogram AckLatency { get; } = new();
    public LatencyHistogram DeliveryLatency { get; } = new();
    /// <summary>How late the generator issued edits against their schedule: if this is high, the generator was the bottleneck.</summary>
    public LatencyHistogram SchedulerLag { get; } = new();
    public ThroughputTimeline Timeline { get; } = new();
    public DeliveryTracker Deliveries { get; } = new();

    public volatile bool Measuring;

    public long Edits;
    public long MeasuredEdits;
    public long Sent;
    public long Acked;
    public long MeasuredAcked;
    public long Delivered;
    public long PresenceSent;
    public long PresenceReceived;
    public long Errors;
    public long Reconnects;
    public long ConnectFailures;
    public int ConnectedEditors;
    /// <summary>Failover run: when the busiest node was killed (Stopwatch timestamp), or 0.</summary>
    public long KilledAtTimestamp;

    private readonly List<string> _errorSamples = [];

    /// <summary>The first few distinct error messages, for the report.</summary>
    public IReadOnlyList<string> ErrorSamples { get { lock (_errorSamples) return _errorSamples.ToArray(); } }

    public void RecordError(string message)
    {
        Interlocked.Increment(ref Errors);
        Timeline.Error();
        lock (_errorSamples)
        {
            if (_errorSamples.Count < 20 && !_errorSamples.Contains(message)) _errorSamples.Add(message);
        }
    }
}
