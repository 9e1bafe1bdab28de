using CollabLoad.Reporting;
using Xunit.Abstractions;

namespace CollabLoad.Tests.Support;

/// <summary>A load run's progress written to the test's output, so a failing run shows what it did.</summary>
public sealed class TestOutputProgress(ITestOutputHelper output) : IProgressSink
{
    public void Line(string message) => output.WriteLine(message);

    public void Tick(ProgressSnapshot s) =>
        output.WriteLine($"{s.Elapsed.TotalSeconds:0}s edits/s={s.EditsLastSecond} acked/s={s.AckedLastSecond} errors={s.Errors}");
}
