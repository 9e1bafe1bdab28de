using System.Text.Json;
using CollabLoad.Options;
using CollabLoad.Reporting;
using CollabLoad.Runs;
using Spectre.Console;

// CollabLoad: simulated editors against a ShareDB-protocol server. See LoadOptionsParser.Usage or --help.
if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(LoadOptionsParser.Usage);
    return args.Length == 0 ? 2 : 0;
}

LoadOptions options;
try
{
    options = LoadOptionsParser.Parse(args);
}
catch (LoadOptionsException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("run with --help for the options");
    return 2;
}

string command = "dotnet run -c Release --project src/CollabLoad -- " + string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
IProgressSink progress = options.PlainOutput || Console.IsOutputRedirected ? new PlainProgress(Console.Out) : new SpectreProgress(AnsiConsole.Console);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

try
{
    if (options.IdleConnections is not null)
    {
        IdleResult idle = await new IdleConnectionsRun(options, progress).RunAsync(command, cancel.Token);
        progress.Line($"held {idle.ConnectionsHeld}/{idle.ConnectionsRequested} connections ({idle.ConnectFailures} failed)" +
                      (idle.ServerBytesPerConnection is double b ? $"; server memory {b / 1024:0.0} KiB per connection" : ""));
        foreach (string e in idle.ErrorSamples) progress.Line("  " + e);
        Write(options, "idle", JsonSerializer.Serialize(idle, json), null);
        return idle.Passed ? 0 : 1;
    }

    LoadResult result = await new LoadRun(options, progress).RunAsync(command, cancel.Token);
    progress.Line($"edits/s {result.EditsPerSecond}, acked ops/s {result.AckedOpsPerSecond}; ack ms p50/p95/p99/max " +
                  $"{result.AckLatency.P50Ms}/{result.AckLatency.P95Ms}/{result.AckLatency.P99Ms}/{result.AckLatency.MaxMs}; delivery ms p50/p95/p99/max " +
                  $"{result.DeliveryLatency.P50Ms}/{result.DeliveryLatency.P95Ms}/{result.DeliveryLatency.P99Ms}/{result.DeliveryLatency.MaxMs}");
    progress.Line($"errors {result.Errors}, reconnects {result.Reconnects}, converged {result.Convergence.Converged} " +
                  $"({result.Convergence.EditorsChecked - result.Convergence.DivergentEditors}/{result.Editors} editors match a fresh fetch)");
    if (result.ServerCpuSeconds is double cpu)
        progress.Line($"server CPU over the measured window {cpu:0.00} s" +
                      (result.ServerCpuMicrosPerAckedOp is double perOp ? $", {perOp:0.0} µs per acked op" : ""));
    foreach (string e in result.ErrorSamples.Concat(result.Convergence.Divergences)) progress.Line("  " + e);
    Write(options, "result", JsonSerializer.Serialize(result, json), HtmlReport.Render(result));
    return result.Passed ? 0 : 1;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 1;
}

void Write(LoadOptions o, string kind, string resultJson, string? html)
{
    if (o.OutputDirectory is null) return;
    Directory.CreateDirectory(o.OutputDirectory);
    string jsonPath = Path.Combine(o.OutputDirectory, $"{o.Label}-{kind}.json");
    File.WriteAllText(jsonPath, resultJson);
    progress.Line("wrote " + jsonPath);
    if (html is null) return;
    string htmlPath = Path.Combine(o.OutputDirectory, $"{o.Label}-report.html");
    File.WriteAllText(htmlPath, html);
    progress.Line("wrote " + htmlPath);
}
