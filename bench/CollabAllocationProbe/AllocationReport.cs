using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CollabAllocationProbe;

/// <summary>Allocation ticks summed by type, and for the largest types by the stack that allocated them.</summary>
public static class AllocationReport
{
    private const int FramesPerStack = 10;
    private const int TypesListed = 25;

    public static void Print(string nettrace, int typesWithStacks, int stacksPerType, TextWriter output)
    {
        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(nettrace));
        var byType = new Dictionary<string, long>();
        var byTypeAndStack = new Dictionary<(string Type, string Stack), long>();
        long total = 0;
        double seconds = log.SessionDuration.TotalSeconds;
        foreach (TraceEvent traceEvent in log.Events)
        {
            if (traceEvent is not GCAllocationTickTraceData tick) continue;
            string type = tick.TypeName ?? "?";
            total += tick.AllocationAmount64;
            byType[type] = byType.GetValueOrDefault(type) + tick.AllocationAmount64;
            var key = (type, Stack(tick.CallStack()));
            byTypeAndStack[key] = byTypeAndStack.GetValueOrDefault(key) + tick.AllocationAmount64;
        }
        output.WriteLine($"sampled {total / 1e6:0.0} MB in {seconds:0.0} s ({total / 1e6 / Math.Max(seconds, 1e-9):0.0} MB/s)");
        output.WriteLine();
        output.WriteLine("by type:");
        List<KeyValuePair<string, long>> types = [.. byType.OrderByDescending(kv => kv.Value)];
        foreach ((string type, long bytes) in types.Take(TypesListed))
            output.WriteLine($"{Share(bytes, total),6} {bytes / 1e6,8:0.0} MB  {Shorten(type, 150)}");
        foreach ((string type, long bytes) in types.Take(typesWithStacks))
        {
            output.WriteLine();
            output.WriteLine($"{type} ({Share(bytes, total)} of all), by stack:");
            foreach (((string _, string stack), long stackBytes) in byTypeAndStack.Where(kv => kv.Key.Type == type)
                         .OrderByDescending(kv => kv.Value).Take(stacksPerType))
                output.WriteLine($"  {Share(stackBytes, bytes)} of it\n      {stack}");
        }
    }

    private static string Stack(TraceCallStack? frame)
    {
        var frames = new List<string>();
        for (; frame is not null && frames.Count < FramesPerStack; frame = frame.Caller)
        {
            string method = frame.CodeAddress.FullMethodName;
            if (method.Length > 0) frames.Add(Shorten(method, 110));
        }
        return frames.Count == 0 ? "(no stack)" : string.Join("\n      ", frames);
    }

    private static string Share(long part, long whole) => whole == 0 ? "-" : $"{100.0 * part / whole:0.0}%";

    private static string Shorten(string text, int length) => text.Length > length ? text[..length] : text;
}
