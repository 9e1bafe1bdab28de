using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CollabAllocationProbe;

/// <summary>
/// A process's collections and pauses only (the runtime's GC events at informational level: no allocation ticks, no
/// stacks, no rundown), cheap enough to cover a whole measured window, so a second in which acks fell behind can be
/// checked against the pauses that fell in it.
/// </summary>
public static class GcRecording
{
    public static async Task RecordAsync(int pid, TimeSpan duration, string file)
    {
        EventPipeProvider[] providers =
        [
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
        ];
        var client = new DiagnosticsClient(pid);
        using EventPipeSession session = client.StartEventPipeSession(providers, requestRundown: false);
        await using FileStream output = File.Create(file);
        Task copy = session.EventStream.CopyToAsync(output);
        await Task.Delay(duration);
        await session.StopAsync(CancellationToken.None);
        await copy;
    }
}
