using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CollabAllocationProbe;

/// <summary>
/// Every pause of the threads in a recording (SuspendEEStart to RestartEEStop), split into stopping them (to
/// SuspendEEStop) and the collection it ran (GC/Start to GC/Stop), with that collection's generation and the bytes it
/// promoted. Says whether a pause's length is the heap's work or the threads'.
/// </summary>
public static class GcPauseReport
{
    /// <summary>The row of a pause in which no collection started: a background collection's later pause, or another reason to stop the threads.</summary>
    private const string NoCollection = "no collection started";

    private sealed class Pause
    {
        public double SuspendStart;
        public double SuspendStop = double.NaN;
        public double CollectStart = double.NaN;
        public double CollectStop = double.NaN;
        public double End;
        public string Kind = NoCollection;
        public long PromotedBytes;

        public double TotalMs => End - SuspendStart;
        public double SuspendMs => SuspendStop - SuspendStart;
        public double CollectMs => double.IsNaN(CollectStop) ? End - CollectStart : CollectStop - CollectStart;
    }

    public static void Print(string nettrace, TextWriter output)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(nettrace));
        var pauses = new List<Pause>();
        Pause? current = null;
        foreach (TraceEvent e in log.Events)
        {
            double t = e.TimeStampRelativeMSec;
            switch (e)
            {
                case GCStartTraceData start when current is not null:
                    current.CollectStart = t;
                    current.Kind = start.Type == GCType.BackgroundGC ? "gen2, background (its first pause)" : $"gen{start.Depth}";
                    break;
                case GCEndTraceData when current is not null && !double.IsNaN(current.CollectStart):
                    current.CollectStop = t;
                    break;
                case GCHeapStatsTraceData stats when current is not null:
                    current.PromotedBytes = stats.TotalPromotedSize0 + stats.TotalPromotedSize1 + stats.TotalPromotedSize2 + stats.TotalPromotedSize3;
                    break;
                default:
                    switch (e.EventName)
                    {
                        case "GC/SuspendEEStart":
                            current = new Pause { SuspendStart = t };
                            break;
                        case "GC/SuspendEEStop" when current is not null:
                            current.SuspendStop = t;
                            break;
                        case "GC/RestartEEStop" when current is not null:
                            current.End = t;
                            pauses.Add(current);
                            current = null;
                            break;
                    }
                    break;
            }
        }

        double seconds = Math.Max(log.SessionDuration.TotalSeconds, 1e-9);
        output.WriteLine($"{pauses.Count} pauses in {seconds:0.0} s ({pauses.Count / seconds:0.0}/s), " +
                         $"{pauses.Sum(p => p.TotalMs) / seconds:0.0} ms paused per second");
        output.WriteLine();
        output.WriteLine("| collection | pauses | pause ms, median / max | stopping the threads ms, median / max | collecting ms, median / max | promoted KB, median |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (IGrouping<string, Pause> group in pauses.GroupBy(p => p.Kind).OrderBy(g => g.Key == NoCollection).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            bool collected = group.Key != NoCollection;
            output.WriteLine($"| {group.Key} | {group.Count()} | {Median(group.Select(p => p.TotalMs)):0.00} / {group.Max(p => p.TotalMs):0.00} " +
                             $"| {Median(group.Select(p => p.SuspendMs)):0.00} / {group.Max(p => p.SuspendMs):0.00} " +
                             (collected
                                 ? $"| {Median(group.Select(p => p.CollectMs)):0.00} / {group.Max(p => p.CollectMs):0.00} | {Median(group.Select(p => p.PromotedBytes / 1000.0)):0} |"
                                 : "| – | – |"));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Where(v => !double.IsNaN(v)).Order()];
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
