using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CollabActors.Diagnostics;

namespace CollabActors.Tests.Support;

/// <summary>CollabMetrics' counters, as read by the host's /metrics endpoint, from its creation on.</summary>
public sealed class CollabCounts : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string? Tag), long> _counts = new();

    public CollabCounts()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CollabMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tag = tags.Length > 0 ? tags[0].Value?.ToString() : null;
            _counts.AddOrUpdate((instrument.Name, tag), value, (_, old) => old + value);
        });
        _listener.Start();
    }

    public long Sent(string kind) => _counts.GetValueOrDefault(("collab_cluster_messages_sent", kind));

    public Dictionary<string, long> SentByKind() => _counts
        .Where(c => c.Key.Instrument == "collab_cluster_messages_sent" && c.Value > 0)
        .ToDictionary(c => c.Key.Tag!, c => c.Value);

    public Dictionary<string, long> BatchedByKind() => _counts
        .Where(c => c.Key.Instrument == "collab_fanout_batched_commands" && c.Value > 0)
        .ToDictionary(c => c.Key.Tag!, c => c.Value);

    public long FanoutOps => _counts.GetValueOrDefault(("collab_fanout_ops", null));

    public long FanoutDeliveries => _counts.GetValueOrDefault(("collab_fanout_deliveries", null));

    public long Encodings(string encoding) => _counts.GetValueOrDefault(("collab_broadcast_encodings", encoding));

    public void Dispose() => _listener.Dispose();
}
