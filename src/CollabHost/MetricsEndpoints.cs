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
        // Called for every measurement (several per op): nothing is allocated for an instrument without tags, and
        // only the values' array for one with tags; the names are read once, when the metric is made.
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string[] values = tags.Length == 0 ? [] : new string[tags.Length];
            for (int i = 0; i < tags.Length; i++) values[i] = tags[i].Value as string ?? tags[i].Value?.ToString() ?? "";
            switch (instrument)
            {
                case Counter<long>:
                    if (!counters.TryGetValue(instrument, out Counter? counter))
                        counter = counters.GetOrAdd(instrument, Metrics.CreateCounter(instrument.Name + "_total", instrument.Description ?? "", LabelNames(tags)));
                    if (values.Length == 0) counter.Inc(value);
                    else counter.WithLabels(values).Inc(value);
                    break;
                case Histogram<double>:
                    if (!histograms.TryGetValue(instrument, out Histogram? histogram))
                        histogram = histograms.GetOrAdd(instrument, Metrics.CreateHistogram(instrument.Name, instrument.Description ?? "",
                            new HistogramConfiguration { LabelNames = LabelNames(tags), Buckets = LatencyBuckets }));
                    if (values.Length == 0) histogram.Observe(value);
                    else histogram.WithLabels(values).Observe(value);
                    break;
                default:
                    if (!gauges.TryGetValue(instrument, out Gauge? gauge))
                        gauge = gauges.GetOrAdd(instrument, Metrics.CreateGauge(instrument.Name, instrument.Description ?? "", LabelNames(tags)));
                    if (values.Length == 0) gauge.Set(value);
                    else gauge.WithLabels(values).Set(value);
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

    private static string[] LabelNames(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string[] names = new string[tags.Length];
        for (int i = 0; i < tags.Length; i++) names[i] = tags[i].Key;
        return names;
    }
}
