namespace CollabQueryBench;

/// <summary>Latency percentiles of one set of runs, in milliseconds (nearest rank).</summary>
public sealed record Percentiles(int Runs, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        double[] sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0) return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, Rank(0.50), Rank(0.95), Rank(0.99), sorted[^1]);
    }

    public override string ToString() => $"p50 {P50:F2} ms, p95 {P95:F2} ms, p99 {P99:F2} ms, max {Max:F2} ms ({Runs} runs)";
}
