// CollabBench: replays editing traces (../shared/traces format) through the text engine's TextDocument and, in the
// same run, through the reference ot-text-unicode 4.0.0 in Node, and prints both timings and their ratio.
// Usage: dotnet run -c Release --project bench/CollabBench -- TRACE... [--runs N] [--warmup N]
//        [--reference-runs N] [--no-reference] [--json0-ops N] [--no-json0] [--rich-text-ops N] [--no-rich-text]
// Besides the traces it replays seeded json0 and rich-text workloads through CollabText.Json0 / CollabText.RichText and
// through ot-json0 1.1.0 / rich-text 4.1.0 (Json0Benchmark, RichTextBenchmark).
using System.Globalization;
using System.Runtime.InteropServices;
using CollabBench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// Defaults: enough runs for a stable median on a shared 2-core machine; the reference takes seconds per run.
const int DefaultRuns = 11;
const int DefaultWarmup = 5;
const int DefaultReferenceRuns = 5;
const int ReferenceWarmup = 1;

var traces = new List<string>();
int runs = DefaultRuns, warmup = DefaultWarmup, referenceRuns = DefaultReferenceRuns;
bool withReference = true;
int json0Ops = 20_000; // the json0 workload's size; 0 skips it
int richTextOps = 20_000; // the rich-text workload's size; 0 skips it
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i]); break;
        case "--warmup": warmup = int.Parse(args[++i]); break;
        case "--reference-runs": referenceRuns = int.Parse(args[++i]); break;
        case "--no-reference": withReference = false; break;
        case "--json0-ops": json0Ops = int.Parse(args[++i]); break;
        case "--no-json0": json0Ops = 0; break;
        case "--rich-text-ops": richTextOps = int.Parse(args[++i]); break;
        case "--no-rich-text": richTextOps = 0; break;
        default: traces.Add(args[i]); break;
    }
}
if ((traces.Count == 0 && json0Ops == 0 && richTextOps == 0) || runs < 5 || warmup < 1 || referenceRuns < 1 || json0Ops < 0 || richTextOps < 0)
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/CollabBench -- TRACE... [--runs N (>= 5)] " +
                            "[--warmup N] [--reference-runs N] [--no-reference] [--json0-ops N] [--no-json0] " +
                            "[--rich-text-ops N] [--no-rich-text]");
    return 2;
}

Console.WriteLine("CollabBench: editing traces through CollabText.TextDocument and through ot-text-unicode 4.0.0 (Node)");
Console.WriteLine("reproduce: dotnet run -c Release --project bench/CollabBench -- " + string.Join(' ', args));
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Machine.CpuModel()}, {RuntimeInformation.FrameworkDescription}, " +
                  $"load average {Machine.LoadAverage()}");

string? referenceFolder = null;
string? referenceProblem = null;
if (withReference && traces.Count > 0) referenceFolder = ReferenceReplay.Locate(out referenceProblem);
if (referenceProblem is not null) Console.WriteLine("reference: not run, " + referenceProblem);

bool ok = referenceProblem is null;
foreach (string path in traces)
{
    var trace = EditingTrace.Load(path);
    Console.WriteLine();
    Console.WriteLine($"{trace.Name}: {(trace.Concurrent ? "concurrent, 2 agents" : "sequential")}, " +
                      $"{trace.PatchCount:N0} patches in {trace.Transactions.Length:N0} txns, " +
                      $"{trace.EndContent.Length:N0} chars at the end");

    var engine = EngineMeasurement.Measure(trace, runs, warmup);
    double opsPerSecond = trace.PatchCount / (engine.MedianMs / 1000);
    Console.WriteLine($"  CollabSuite TextDocument  median {engine.MedianMs,9:F2} ms  min {engine.MinMs:F2}  max {engine.MaxMs:F2}  " +
                      $"({runs} runs after {warmup} warmup)");
    Console.WriteLine($"                            {opsPerSecond / 1e6:F2} M ops/s, allocated {engine.AllocatedBytesPerRun:N0} bytes per run " +
                      $"({(double)engine.AllocatedBytesPerRun / trace.PatchCount:F0} B/op), " +
                      (engine.MatchesEndContent ? "result equals endContent" : "RESULT DIFFERS FROM endContent"));
    ok &= engine.MatchesEndContent;

    if (referenceFolder is null) continue;
    var reference = ReferenceReplay.Run(referenceFolder, path, referenceRuns, ReferenceWarmup);
    Console.WriteLine($"  reference (node {reference.NodeVersion})   median {reference.MedianMs,9:F2} ms  min {reference.MinMs:F2}  " +
                      $"max {reference.MaxMs:F2}  ({reference.Runs} runs after {ReferenceWarmup} warmup), " +
                      (reference.MatchesEndContent ? "result equals endContent" : "RESULT DIFFERS FROM endContent"));
    Console.WriteLine($"  ratio: TextDocument is {reference.MedianMs / engine.MedianMs:F0}x faster than the reference (medians)");
    ok &= reference.MatchesEndContent;
}
if (json0Ops > 0)
{
    string? json0Reference = null;
    string? json0Problem = null;
    if (withReference) json0Reference = WorkloadReferenceReplay.Locate(WorkloadReference.Json0, out json0Problem);
    if (json0Problem is not null) Console.WriteLine("json0 reference: not run, " + json0Problem);
    ok &= json0Problem is null;
    ok &= Json0Benchmark.Run(json0Ops, runs, warmup, referenceRuns, ReferenceWarmup, json0Reference);
}
if (richTextOps > 0)
{
    string? richTextReference = null;
    string? richTextProblem = null;
    if (withReference) richTextReference = WorkloadReferenceReplay.Locate(WorkloadReference.RichText, out richTextProblem);
    if (richTextProblem is not null) Console.WriteLine("rich-text reference: not run, " + richTextProblem);
    ok &= richTextProblem is null;
    ok &= RichTextBenchmark.Run(richTextOps, runs, warmup, referenceRuns, ReferenceWarmup, richTextReference);
}
Console.WriteLine();
Console.WriteLine($"load average at the end: {Machine.LoadAverage()}");
if (referenceProblem is not null) Console.WriteLine("reference: not run, " + referenceProblem);
return ok ? 0 : 1;
