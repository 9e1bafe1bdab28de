namespace CollabLoad.Reporting;

/// <summary>
/// Progress as one plain line per second (for logs, CI and redirected output). Each line ends with the wall-clock time
/// in UTC, so a second in which acks fell behind can be lined up with what the server logged or a trace recorded then.
/// </summary>
public sealed class PlainProgress(TextWriter output, TimeProvider clock) : IProgressSink
{
    public PlainProgress(TextWriter output) : this(output, TimeProvider.System)
    {
    }

    public void Line(string message) => output.WriteLine(message);

    public void Tick(ProgressSnapshot s) => output.WriteLine(
        $"t={s.Elapsed.TotalSeconds,5:0}s {(s.Measuring ? "measuring" : "ramp-up  ")} editors={s.Connected}/{s.Editors} " +
        $"edits/s={s.EditsLastSecond} acked/s={s.AckedLastSecond} ack p50/p99={s.Ack.P50Ms:0.0}/{s.Ack.P99Ms:0.0}ms " +
        $"delivery p99={s.Delivery.P99Ms:0.0}ms errors={s.Errors} reconnects={s.Reconnects} " +
        $"at={clock.GetUtcNow():HH:mm:ss.f}");
}
