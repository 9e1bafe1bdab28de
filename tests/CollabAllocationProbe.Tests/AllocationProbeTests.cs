namespace CollabAllocationProbe.Tests;

/// <summary>The probe records a live process (this test's own) and names what it allocated, and where.</summary>
public sealed class AllocationProbeTests
{
    /// <summary>An object of a type nothing else allocates, so its share in the report is the test's alone.</summary>
    private sealed record Marker(long A, long B, long C, long D);

    [Fact]
    public async Task A_recording_names_the_type_a_thread_allocates_and_the_method_that_allocates_it()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"probe-{Guid.NewGuid():N}.nettrace");
        using var stop = new CancellationTokenSource();
        var allocating = new Thread(() => AllocateMarkers(stop.Token)) { IsBackground = true };
        allocating.Start();
        try
        {
            await AllocationRecording.RecordAsync(Environment.ProcessId, TimeSpan.FromSeconds(2), trace);
        }
        finally
        {
            await stop.CancelAsync();
            allocating.Join();
        }

        var report = new StringWriter();
        AllocationReport.Print(trace, typesWithStacks: 1, stacksPerType: 1, report);
        File.Delete(trace);
        string text = report.ToString();
        string[] lines = text.Split('\n');
        // The marker is the most allocated type (megabytes a second against the test host's little), and its stack
        // goes through the method below.
        Assert.Contains("by type:", lines[2]);
        Assert.EndsWith("  " + nameof(Marker), lines[3].TrimEnd()); // a nested type goes by its own name
        Assert.Contains(nameof(AllocateMarkers), text);
    }

    private static void AllocateMarkers(CancellationToken stop)
    {
        Marker[] keep = new Marker[1024];
        for (long i = 0; !stop.IsCancellationRequested; i++)
        {
            keep[i % keep.Length] = new Marker(i, i + 1, i + 2, i + 3);
            if (i % 1000 == 0) Thread.Sleep(1); // tens of megabytes a second, not a core's worth
        }
        GC.KeepAlive(keep);
    }
}
