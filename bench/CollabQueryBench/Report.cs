namespace CollabQueryBench;

/// <summary>The run's figures as Markdown tables, the stores side by side, for docs/benchmarks.md.</summary>
public static class Report
{
    public static void Write(IReadOnlyList<StoreReport> reports, TextWriter output)
    {
        if (reports.Count == 0) return;
        output.WriteLine("| query | " + string.Join(" | ", reports.Select(r => $"{r.Store} p50 / p95 / p99 / max ms")) +
                         (reports.Count == 2 ? $" | p99 {reports[1].Store} ÷ {reports[0].Store}" : "") + " |");
        output.WriteLine("|---|" + string.Concat(reports.Select(_ => "---|")) + (reports.Count == 2 ? "---|" : ""));
        for (int i = 0; i < reports[0].Latencies.Count; i++)
        {
            QueryShape shape = reports[0].Latencies[i].Shape;
            output.Write($"| {shape.Name} `{shape.Json}` |");
            foreach (StoreReport r in reports)
            {
                Percentiles p = r.Latencies[i].Latency;
                output.Write($" {p.P50:F1} / {p.P95:F1} / {p.P99:F1} / {p.Max:F1} |");
            }
            if (reports.Count == 2) output.Write($" {reports[1].Latencies[i].Latency.P99 / reports[0].Latencies[i].Latency.P99:F2}× |");
            output.WriteLine();
        }

        output.WriteLine();
        output.WriteLine("| store | events projected from scratch | events/s | documents/s | bench process CPU µs/event (the projector) | its PostgreSQL backend µs/event |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (StoreReport r in reports)
        {
            output.WriteLine($"| {r.Store} | {r.Events:N0} in {r.CatchUpSeconds:F1} s | {r.Events / r.CatchUpSeconds:N0} | {r.Documents / r.CatchUpSeconds:N0} | " +
                             $"{r.CatchUpCpuSeconds * 1e6 / r.Events:F0} | {(r.CatchUpPostgresCpuSeconds is { } pg ? (pg * 1e6 / r.Events).ToString("F0") : "–")} |");
        }

        if (reports.All(r => r.Writes.Count == 0)) return;
        output.WriteLine();
        output.WriteLine("| store | read model | ops/s | host CPU µs/op | journal writer thread µs/op | projector thread µs/op | PostgreSQL backends µs/op |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (StoreReport r in reports)
        {
            foreach (WriteWindow w in r.Writes)
            {
                output.WriteLine($"| {r.Store} | {(w.ReadModel ? "on" : "off")} | {w.OpsPerSecond:F0} | {Us(w.HostCpu, w)} | {Us(w.JournalWriterCpu, w)} | " +
                                 $"{Us(w.ProjectorCpu, w)} | {(w.PostgresCpu is { } pg ? Us(pg, w) : "–")} |");
            }
        }
        output.WriteLine();
        foreach (StoreReport r in reports.Where(r => r.Writes.Count > 0))
        {
            double on = PerOp(r.Writes.Where(w => w.ReadModel), w => w.HostCpu);
            double off = PerOp(r.Writes.Where(w => !w.ReadModel), w => w.HostCpu);
            double projector = PerOp(r.Writes.Where(w => w.ReadModel), w => w.ProjectorCpu);
            double writerOn = PerOp(r.Writes.Where(w => w.ReadModel), w => w.JournalWriterCpu);
            string line = $"{r.Store}: host CPU per op with the read model {on:F0} µs, without {off:F0} µs: +{on - off:F0} µs = {(on - off) / off:P0} of the " +
                          $"journal-only cost; the projector thread {projector:F1} µs/op = {projector / writerOn:F2}× the journal writer thread's {writerOn:F1} µs/op";
            if (r.Writes.All(w => w.PostgresCpu is not null))
            {
                double pgOn = PerOp(r.Writes.Where(w => w.ReadModel), w => w.PostgresCpu!.Value);
                double pgOff = PerOp(r.Writes.Where(w => !w.ReadModel), w => w.PostgresCpu!.Value);
                line += $"; PostgreSQL backends {pgOn:F0} µs/op with, {pgOff:F0} without (+{(pgOn - pgOff) / pgOff:P0})";
            }
            output.WriteLine(line);
        }
    }

    private static string Us(double cpuSeconds, WriteWindow w) => WriteWindow.PerOpMicroseconds(cpuSeconds, w.Ops).ToString("F1");

    /// <summary>CPU per op over several windows: their CPU summed over their ops summed.</summary>
    private static double PerOp(IEnumerable<WriteWindow> windows, Func<WriteWindow, double> cpu)
    {
        var list = windows.ToList();
        return WriteWindow.PerOpMicroseconds(list.Sum(cpu), list.Sum(w => w.Ops));
    }
}
