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
}
