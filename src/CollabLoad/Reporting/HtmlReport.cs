using System.Globalization;
using System.Net;
using System.Text;

namespace CollabLoad.Reporting;

/// <summary>A self-contained HTML report of a typing run: summary table, latency distribution and throughput over time.</summary>
public static class HtmlReport
{
    public static string Render(LoadResult r)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>CollabLoad: ").Append(Esc(r.Label)).Append("</title>");
        html.Append("<style>body{font-family:sans-serif;margin:2em;max-width:900px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{text-align:left}</style></head><body>");
        html.Append("<h1>CollabLoad run: ").Append(Esc(r.Label)).Append("</h1>");
        html.Append("<p>").Append(Esc(r.StartedAt.ToString("u", CultureInfo.InvariantCulture))).Append(" — <code>").Append(Esc(r.Command)).Append("</code></p>");
        html.Append("<p><b>").Append(r.Passed ? "PASSED" : "FAILED").Append("</b>: ").Append(r.Errors).Append(" errors, ")
            .Append(r.Convergence.DivergentEditors).Append(" divergent editors of ").Append(r.Convergence.EditorsChecked).Append(".</p>");
        html.Append("<table>");
        Row(html, "server", r.Url);
        Row(html, "workload", $"{r.Docs} docs × {r.EditorsPerDoc} editors, {r.Mode} loop" + (r.Mode == "open" ? $", {r.RatePerEditor}/s per editor (target {r.TargetEditsPerSecond} edits/s)" : "") + $", {r.Encoding}");
        Row(html, "measured", $"{r.MeasuredSeconds:0.#} s after {r.RampUpSeconds:0.#} s ramp-up; seed {r.Seed}");
        Row(html, "edits/s", r.EditsPerSecond.ToString(CultureInfo.InvariantCulture));
        Row(html, "acked ops/s", r.AckedOpsPerSecond.ToString(CultureInfo.InvariantCulture));
        Row(html, "ack latency ms p50 / p95 / p99 / max", Lat(r.AckLatency));
        Row(html, "remote delivery ms p50 / p95 / p99 / max", Lat(r.DeliveryLatency));
        Row(html, "generator lag ms p50 / p99 / max", $"{r.SchedulerLag.P50Ms} / {r.SchedulerLag.P99Ms} / {r.SchedulerLag.MaxMs}");
        Row(html, "connected editors", $"{r.ConnectedEditors} / {r.Editors} ({r.ConnectFailures} failed)");
        Row(html, "reconnects", r.Reconnects.ToString(CultureInfo.InvariantCulture));
        Row(html, "presence sent / received", $"{r.PresenceSent} / {r.PresenceReceived}");
        html.Append("</table>");

        html.Append("<h2>Latency distribution</h2>");
        html.Append(SvgLineChart.Render("Latency by percentile", "percentile", "ms",
            [
                new SvgLineChart.Series("ack (send → ack)", "#1f77b4", PercentileCurve(r.AckHistogram)),
                new SvgLineChart.Series("remote delivery (edit → seen by others)", "#d62728", PercentileCurve(r.DeliveryHistogram)),
            ],
            x => (100 - 100 / Math.Pow(10, x)).ToString("0.###", CultureInfo.InvariantCulture) + "%",
            [0, 1, 2, 3, 4]));

        html.Append("<h2>Throughput over time</h2>");
        html.Append(SvgLineChart.Render("Per second", "seconds since start", "per second",
            [
                new SvgLineChart.Series("edits", "#2ca02c", r.Timeline.Select(t => ((double)t.Second, (double)t.Edits)).ToList()),
                new SvgLineChart.Series("acked ops", "#1f77b4", r.Timeline.Select(t => ((double)t.Second, (double)t.Acked)).ToList()),
                new SvgLineChart.Series("errors", "#d62728", r.Timeline.Select(t => ((double)t.Second, (double)t.Errors)).ToList()),
            ]));

        if (r.ErrorSamples.Count > 0 || r.Convergence.Divergences.Count > 0)
        {
            html.Append("<h2>Problems</h2><ul>");
            foreach (string e in r.ErrorSamples.Concat(r.Convergence.Divergences)) html.Append("<li>").Append(Esc(e)).Append("</li>");
            html.Append("</ul>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    /// <summary>Points (x = −log10(1 − q), y = latency) so the tail gets room: x 1, 2, 3 are p90, p99, p99.9.</summary>
    private static List<(double X, double Y)> PercentileCurve(IReadOnlyList<HistogramBucket> buckets)
    {
        long total = buckets.Sum(b => b.Count);
        var points = new List<(double, double)>();
        if (total == 0) return points;
        long seen = 0;
        points.Add((0, buckets[0].UpperMs));
        foreach (HistogramBucket b in buckets)
        {
            seen += b.Count;
            double q = (double)seen / total;
            points.Add((Math.Min(4, q >= 1 ? 4 : -Math.Log10(1 - q)), b.UpperMs));
        }
        return points;
    }

    private static string Lat(LatencySummary l) => $"{l.P50Ms} / {l.P95Ms} / {l.P99Ms} / {l.MaxMs} (n={l.Count})";

    private static void Row(StringBuilder html, string name, string value) =>
        html.Append("<tr><th>").Append(Esc(name)).Append("</th><td>").Append(Esc(value)).Append("</td></tr>");

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
