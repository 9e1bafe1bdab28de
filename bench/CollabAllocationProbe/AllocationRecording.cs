using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace CollabAllocationProbe;

/// <summary>A process's allocation ticks with their call stacks, and the rundown that names its compiled methods.</summary>
public static class AllocationRecording
{
    public static async Task RecordAsync(int pid, TimeSpan duration, string file)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader);
        EventPipeProvider[] providers =
        [
            // Verbose GC events include the allocation tick; JIT and loader events name the methods on its stacks.
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, keywords),
        ];
        var client = new DiagnosticsClient(pid);
        using EventPipeSession session = client.StartEventPipeSession(providers, requestRundown: true);
        await using FileStream output = File.Create(file);
        Task copy = session.EventStream.CopyToAsync(output);
        await Task.Delay(duration);
        await session.StopAsync(CancellationToken.None);
        await copy;
    }
}
