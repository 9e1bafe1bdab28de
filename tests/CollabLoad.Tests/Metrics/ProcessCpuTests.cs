using System.Diagnostics;
using CollabLoad.Metrics;

namespace CollabLoad.Tests.Metrics;

public sealed class ProcessCpuTests
{
    [Fact]
    public void Reads_the_same_cpu_time_the_runtime_reports_for_this_process()
    {
        // Burn a little CPU so the figure is not zero, then compare with the runtime's own account (which reads the
        // same kernel counters, at finer resolution): they agree to within a few clock ticks.
        long spins = 0;
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 200) spins++;
        TimeSpan before = Process.GetCurrentProcess().TotalProcessorTime;
        TimeSpan? read = ProcessCpu.Used(Environment.ProcessId);
        TimeSpan after = Process.GetCurrentProcess().TotalProcessorTime;

        Assert.True(spins > 0);
        Assert.NotNull(read);
        Assert.InRange(read.Value, before - TimeSpan.FromMilliseconds(50), after + TimeSpan.FromMilliseconds(50));
        Assert.True(read.Value > TimeSpan.Zero);
    }

    [Fact]
    public void A_process_that_is_not_there_has_no_cpu_time() =>
        Assert.Null(ProcessCpu.Used(int.MaxValue));

    [Fact]
    public void A_process_tree_counts_the_cpu_time_of_its_children()
    {
        // A child that burns CPU until it is killed: while it runs, this process's tree holds its time too.
        using Process child = Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]))!;
        try
        {
            var clock = Stopwatch.StartNew();
            TimeSpan? childTime = TimeSpan.Zero;
            while (clock.ElapsedMilliseconds < 10_000 && (childTime = ProcessCpu.Used(child.Id)) < TimeSpan.FromMilliseconds(100)) Thread.Sleep(20);
            TimeSpan? own = ProcessCpu.Used(Environment.ProcessId);
            TimeSpan? tree = ProcessCpu.TreeUsed(Environment.ProcessId);

            Assert.True(childTime >= TimeSpan.FromMilliseconds(100), $"the child used {childTime}");
            Assert.True(tree >= own + childTime, $"tree {tree}, own {own}, child {childTime}");
        }
        finally
        {
            child.Kill();
            child.WaitForExit(5000);
        }
    }

    [Fact]
    public void Clock_ticks_convert_exactly_so_that_readings_add_up()
    {
        // 113 ticks through a double of seconds came out 1.1299999 s, less than 103 ticks' 1.03 s plus 10 ticks' 0.1 s.
        for (long ticks = 0; ticks <= 100_000; ticks++)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(ticks * 10), ProcessCpu.FromClockTicks(ticks));
        }
        Assert.Equal(ProcessCpu.FromClockTicks(103) + ProcessCpu.FromClockTicks(10), ProcessCpu.FromClockTicks(113));
    }

    [Fact]
    public void A_tree_whose_root_is_not_there_has_no_cpu_time() =>
        Assert.Null(ProcessCpu.TreeUsed(int.MaxValue));
}
