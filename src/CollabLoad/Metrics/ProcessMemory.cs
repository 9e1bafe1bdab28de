namespace CollabLoad.Metrics;

/// <summary>Reads a process's resident set size from /proc/PID/status (Linux).</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS in bytes, or null if the process or the field is not there.</summary>
    public static long? ResidentBytes(int pid)
    {
        string path = $"/proc/{pid}/status";
        if (!File.Exists(path)) return null;
        foreach (string line in File.ReadLines(path))
        {
            if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
            string[] parts = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], out long kb)) return kb * 1024;
        }
        return null;
    }
}
