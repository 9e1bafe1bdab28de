using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CollabAllocationProbe;

/// <summary>
/// Every pause of the threads in a recording (SuspendEEStart to RestartEEStop), split into stopping them (to
/// SuspendEEStop) and the collection it ran (GC/Start to GC/Stop), with that collection's generation and the bytes it
/// promoted. Says whether a pause's length is the heap's work or the threads'; and each collection's time split by
/// what it was doing: marking from each kind of root (the runtime's GCMarkWithType events, one as each kind is done),
/// then the rest (planning, relocating, compacting or sweeping, up to GC/Stop).
/// </summary>
public static class GcPauseReport
{
    /// <summary>The row of a pause in which no collection started: a background collection's later pause, or another reason to stop the threads.</summary>
    private const string NoCollection = "no collection started";

    /// <summary>
    /// The runtime's kinds of mark roots (gc_root_kind in its GC events), as the columns of the split: the finalization
    /// queue, handles and dependent handles go in one column, being small in every run so far.
    /// </summary>
    private static string RootColumn(int kind) => kind switch
    {
        0 => "stacks",
        1 or 2 or 4 or 6 => "handles",
        3 => "older generations",
        5 => "overflow",
        7 => "finalizable",
        _ => "other roots",
    };

    private static readonly string[] PhaseColumns = ["stacks", "handles", "older generations", "finalizable", "overflow", "other roots"];

    private sealed class Pause
    {
        /// <summary>Milliseconds of the collection by phase: marking from each root column, then <see cref="AfterMarking"/>.</summary>
        public readonly Dictionary<string, double> Phases = new();
        public double PhaseMark = double.NaN;

        public double SuspendStart;
        public DateTime StartUtc;
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

    /// <param name="listLongerThanMs">When a number, every pause at least this long is also listed with its start time (UTC).</param>
    public static void Print(string nettrace, TextWriter output, double listLongerThanMs = double.NaN)
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
                    current.PhaseMark = t;
                    current.Kind = start.Type == GCType.BackgroundGC ? "gen2, background (its first pause)" : $"gen{start.Depth}";
                    break;
                case GCMarkWithTypeTraceData mark when current is not null && !double.IsNaN(current.PhaseMark):
                    // Fired as each kind of root is done, so the time since the last mark (or the start) is its own.
                    string column = RootColumn(mark.Type);
                    current.Phases[column] = current.Phases.GetValueOrDefault(column) + (t - current.PhaseMark);
                    current.PhaseMark = t;
                    break;
                case GCEndTraceData when current is not null && !double.IsNaN(current.CollectStart):
                    current.CollectStop = t;
                    if (!double.IsNaN(current.PhaseMark)) current.Phases[AfterMarking] = t - current.PhaseMark;
                    current.PhaseMark = double.NaN;
                    break;
                case GCHeapStatsTraceData stats when current is not null:
                    current.PromotedBytes = stats.TotalPromotedSize0 + stats.TotalPromotedSize1 + stats.TotalPromotedSize2 + stats.TotalPromotedSize3;
                    break;
                default:
                    switch (e.EventName)
                    {
                        case "GC/SuspendEEStart":
                            current = new Pause { SuspendStart = t, StartUtc = e.TimeStamp.ToUniversalTime() };
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
        PrintPhases(pauses, output);
        if (!double.IsNaN(listLongerThanMs)) PrintLongPauses(pauses, listLongerThanMs, output);
    }

    private static void PrintLongPauses(List<Pause> pauses, double longerThanMs, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Pauses of {longerThanMs:0.#} ms or more, as they came:");
        output.WriteLine();
        output.WriteLine("| started (UTC) | collection | pause ms | collecting ms | promoted KB |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (Pause p in pauses.Where(p => p.TotalMs >= longerThanMs))
        {
            string collecting = p.Kind == NoCollection ? "–" : $"{p.CollectMs:0.0}";
            output.WriteLine($"| {p.StartUtc:HH:mm:ss.fff} | {p.Kind} | {p.TotalMs:0.0} | {collecting} | {p.PromotedBytes / 1000.0:0} |");
        }
    }

    /// <summary>Planning, relocating, compacting or sweeping: the collection from its last mark to GC/Stop.</summary>
    private const string AfterMarking = "planning, relocating, compacting";

    private static void PrintPhases(List<Pause> pauses, TextWriter output)
    {
        List<IGrouping<string, Pause>> groups = [.. pauses.Where(p => p.Phases.Count > 0).GroupBy(p => p.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)];
        if (groups.Count == 0) return;
        string[] columns = [.. PhaseColumns.Where(c => groups.Any(g => g.Any(p => p.Phases.ContainsKey(c)))), AfterMarking];
        output.WriteLine();
        output.WriteLine("What a collection's time went to, ms, median (marking from each kind of root, then the rest):");
        output.WriteLine();
        output.WriteLine($"| collection | {string.Join(" | ", columns.Select(c => c == AfterMarking ? c : "marking from " + c))} |");
        output.WriteLine($"|---|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (IGrouping<string, Pause> group in groups)
        {
            output.WriteLine($"| {group.Key} | {string.Join(" | ", columns.Select(c => $"{Median(group.Select(p => p.Phases.GetValueOrDefault(c))):0.00}"))} |");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Where(v => !double.IsNaN(v)).Order()];
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
