using CollabLoad.Reporting;

namespace CollabLoad.Tests.Reporting;

public class PlainProgressTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void A_seconds_line_says_what_was_acked_and_ends_with_the_wall_clock_time_in_UTC()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(output, new FixedClock(new DateTimeOffset(2026, 12, 7, 21, 5, 9, 340, TimeSpan.Zero)));
        var ack = new LatencySummary(100, 2.0, 5.0, 13.6, 35.2, 2.5);

        progress.Tick(new ProgressSnapshot(TimeSpan.FromSeconds(12), true, 400, 400, 2005, 1948, ack, ack, 0, 0));

        string line = output.ToString().TrimEnd();
        Assert.StartsWith("t=   12s measuring editors=400/400 edits/s=2005 acked/s=1948 ack p50/p99=2.0/13.6ms", line);
        Assert.EndsWith("errors=0 reconnects=0 at=21:05:09.3", line);
    }
}
