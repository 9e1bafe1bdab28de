namespace CollabLoad.Reporting;

/// <summary>Where live progress goes: a Spectre.Console table on a terminal, plain lines otherwise.</summary>
public interface IProgressSink
{
    void Line(string message);
    void Tick(ProgressSnapshot snapshot);
}

/// <summary>One second of progress.</summary>
public sealed record ProgressSnapshot(TimeSpan Elapsed, bool Measuring, int Connected, int Editors, long EditsLastSecond,
    long AckedLastSecond, LatencySummary Ack, LatencySummary Delivery, long Errors, long Reconnects);
