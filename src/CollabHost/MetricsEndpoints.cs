using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CollabActors.Diagnostics;
using Prometheus;

namespace CollabHost;

/// <summary>
/// `GET /metrics` in Prometheus text format: the CollabSuite meter (<see cref="CollabMetrics"/>) and prometheus-net's
/// process and runtime metrics. A MeterListener copies the meter's measurements into prometheus-net metrics of the
/// same name: counters as counters (<c>_total</c>), histograms with latency buckets, observable gauges read at scrape.
/// </summary>
public static class MetricsEndpoints
{
    /// <summary>Latency buckets in seconds: 1 ms to 10 s, for acks and journal writes alike.</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // One bridge per process: the meter is static, and several hosts in one process (tests) share it.
    private static readonly Lazy<MeterListener> Bridge = new(StartBridge);

    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The bridge first: the zero measurements Initialize makes (to show counters before their first event) reach
        // only a listener that is already there.
        _ = Bridge.Value;
        CollabMetrics.Initialize();
        endpoints.MapMetrics("/metrics");
        return endpoints;
    }

    private static MeterListener StartBridge()
    {
        // prometheus-net's own Meter adapter would publish every .NET meter (Kestrel, sockets, QUIC) and ours a second
        // time under other names; this bridge publishes ours alone. Must run before the registry is first used.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressDebugMetrics = true });
        var counters = new ConcurrentDictionary<Instrument, Counter>();
        var histograms = new ConcurrentDictionary<Instrument, Histogram>();
        var gauges = new ConcurrentDictionary<Instrument, Gauge>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == CollabMetrics.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string[] names = new string[tags.Length], values = new string[tags.Length];
            for (int i = 0; i < tags.Length; i++)
            {
                names[i] = tags[i].Key;
                values[i] = tags[i].Value?.ToString() ?? "";
            }
            switch (instrument)
            {
                case Counter<long>:
                    counters.GetOrAdd(instrument, i => Metrics.CreateCounter(i.Name + "_total", i.Description ?? "", names))
                        .WithLabels(values).Inc(value);
                    break;
                case Histogram<double>:
                    histograms.GetOrAdd(instrument, i => Metrics.CreateHistogram(i.Name, i.Description ?? "",
                        new HistogramConfiguration { LabelNames = names, Buckets = LatencyBuckets })).WithLabels(values).Observe(value);
                    break;
                default:
                    gauges.GetOrAdd(instrument, i => Metrics.CreateGauge(i.Name, i.Description ?? "", names)).WithLabels(values).Set(value);
                    break;
            }
        }
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(listener.RecordObservableInstruments);
        // Instruments that have not measured yet still appear, at zero.
        listener.RecordObservableInstruments();
        return listener;
    }
}
