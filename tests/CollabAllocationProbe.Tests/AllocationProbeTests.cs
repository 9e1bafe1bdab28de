namespace CollabAllocationProbe.Tests;

/// <summary>The probe records a live process (this test's own) and names what it allocated, and where, and how its collections paused it.</summary>
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
            await EventPipeRecording.AllocationsAsync(Environment.ProcessId, TimeSpan.FromSeconds(2), trace);
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

    [Fact]
    public async Task A_recording_splits_each_collection_s_pause_by_generation_and_its_time_by_phase()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"probe-{Guid.NewGuid():N}.nettrace");
        Task recording = EventPipeRecording.AllocationsAsync(Environment.ProcessId, TimeSpan.FromSeconds(3), trace);
        await Task.Delay(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 3; i++) GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        for (int i = 0; i < 2; i++) GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        await recording;

        var report = new StringWriter();
        GcPauseReport.Print(trace, report);
        File.Delete(trace);
        string text = report.ToString();
        // At least the five collections this test made, each in a pause of its own and in a generation's row (the
        // runtime may collect an older generation than asked, and the test host may collect on its own too).
        Assert.Matches(@"^\d+ pauses in ", text);
        string[] tables = text.Split("What a collection's time went to");
        Assert.Equal(2, tables.Length);
        int collections = tables[0].Split('\n').Where(line => line.StartsWith("| gen", StringComparison.Ordinal))
            .Sum(line => int.Parse(line.Split('|')[2].Trim()));
        Assert.True(collections >= 5, text);
        // Every collection marks from the stacks and then plans; a row per generation collected, each phase in ms.
        string[] phaseRows = [.. tables[1].Split('\n').Where(line => line.StartsWith("| gen", StringComparison.Ordinal))];
        Assert.Contains("| marking from stacks |", tables[1]);
        Assert.EndsWith("| planning, relocating, compacting |", tables[1].Split('\n').First(line => line.StartsWith("| collection", StringComparison.Ordinal)));
        Assert.Contains(phaseRows, row => row.StartsWith("| gen0 |", StringComparison.Ordinal) || row.StartsWith("| gen1 |", StringComparison.Ordinal));
        Assert.All(phaseRows, row => Assert.All(row.Split('|')[2..^1], cell => Assert.True(double.Parse(cell.Trim(), System.Globalization.CultureInfo.InvariantCulture) >= 0, row)));
    }

    [Fact]
    public async Task A_gc_only_recording_lists_each_pause_over_the_threshold_with_the_time_it_started()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"probe-{Guid.NewGuid():N}.nettrace");
        DateTime from = DateTime.UtcNow;
        Task recording = EventPipeRecording.CollectionsAsync(Environment.ProcessId, TimeSpan.FromSeconds(3), trace);
        await Task.Delay(TimeSpan.FromSeconds(1));
        for (int i = 0; i < 3; i++) GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        await recording;
        DateTime to = DateTime.UtcNow;

        var report = new StringWriter();
        GcPauseReport.Print(trace, report, listLongerThanMs: 0);
        File.Delete(trace);
        string text = report.ToString();
        string[] listed = text.Split("Pauses of 0 ms or more, as they came:")[1].Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal) && char.IsDigit(line[2])).ToArray();
        // The three forced collections at least, each row a time inside the recording and a generation collected.
        Assert.True(listed.Length >= 3, text);
        Assert.All(listed, row =>
        {
            string[] cells = row.Split('|');
            TimeSpan started = TimeSpan.Parse(cells[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            double sinceFrom = ((started - from.TimeOfDay).TotalSeconds + 86_400 + 1) % 86_400; // across midnight too
            Assert.InRange(sinceFrom, 0, (to - from).TotalSeconds + 2);
        });
        Assert.Contains(listed, row => row.Split('|')[2].Trim() is "gen1" or "gen2");
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
