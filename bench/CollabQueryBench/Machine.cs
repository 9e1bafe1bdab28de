namespace CollabQueryBench;

/// <summary>What the figures were measured on: cores, CPU model and load average, from /proc.</summary>
public static class Machine
{
    public static string Describe() =>
        $"{Environment.ProcessorCount} cores ({CpuModel()}), .NET {Environment.Version}, load average {LoadAverage()}";

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo")) return "unknown CPU";
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
