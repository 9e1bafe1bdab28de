using Spectre.Console;

namespace CollabLoad.Reporting;

/// <summary>Progress on a terminal: a status line redrawn each second, with messages printed above it.</summary>
public sealed class SpectreProgress(IAnsiConsole console) : IProgressSink
{
    public void Line(string message) => console.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    public void Tick(ProgressSnapshot s)
    {
        string phase = s.Measuring ? "[green]measuring[/]" : "[yellow]ramp-up[/]";
        string errors = s.Errors == 0 ? "[green]0[/]" : $"[red]{s.Errors}[/]";
        console.MarkupLine(
            $"[bold]{s.Elapsed.TotalSeconds,5:0}s[/] {phase} editors [blue]{s.Connected}/{s.Editors}[/]  " +
            $"edits/s [bold]{s.EditsLastSecond}[/]  acked/s [bold]{s.AckedLastSecond}[/]  " +
            $"ack p50 {s.Ack.P50Ms:0.0} p99 [bold]{s.Ack.P99Ms:0.0}[/] ms  delivery p99 {s.Delivery.P99Ms:0.0} ms  " +
            $"errors {errors}  reconnects {s.Reconnects}");
    }
}
