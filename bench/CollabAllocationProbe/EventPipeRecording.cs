using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CollabAllocationProbe;

/// <summary>A running process's runtime events over EventPipe, copied to a .nettrace file for a while.</summary>
public static class EventPipeRecording
{
    private const string Runtime = "Microsoft-Windows-DotNETRuntime";

    /// <summary>Allocation ticks with their call stacks, and the rundown that names the process's compiled methods.</summary>
    public static Task AllocationsAsync(int pid, TimeSpan duration, string file)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader);
        // Verbose GC events include the allocation tick; JIT and loader events name the methods on its stacks.
        return RecordAsync(pid, duration, file, new EventPipeProvider(Runtime, EventLevel.Verbose, keywords), requestRundown: true);
    }

    /// <summary>
    /// Collections and pauses only (GC events at informational level: no allocation ticks, no stacks, no rundown),
    /// cheap enough to cover a whole measured window, so a second in which acks fell behind can be checked against
    /// the pauses that fell in it.
    /// </summary>
    public static Task CollectionsAsync(int pid, TimeSpan duration, string file) =>
        RecordAsync(pid, duration, file, new EventPipeProvider(Runtime, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC), requestRundown: false);

    private static async Task RecordAsync(int pid, TimeSpan duration, string file, EventPipeProvider provider, bool requestRundown)
    {
        var client = new DiagnosticsClient(pid);
        using EventPipeSession session = client.StartEventPipeSession([provider], requestRundown);
        await using FileStream output = File.Create(file);
        Task copy = session.EventStream.CopyToAsync(output);
        await Task.Delay(duration);
        await session.StopAsync(CancellationToken.None);
        await copy;
    }
}
