namespace CollabHost.Security;

/// <summary>
/// The process's limit on open file descriptors (the soft <c>RLIMIT_NOFILE</c>), read once at start. Every TCP
/// connection is one; so are the journal's files, the cluster's sockets and the runtime's own. When they run out
/// the process cannot accept, open a file or even log, and the runtime may exit (issue 19 item 3).
/// </summary>
public static class FileDescriptorLimit
{
    /// <summary>The soft limit, or null where it cannot be read (not Linux) or is unlimited.</summary>
    public static long? Read()
    {
        const string limits = "/proc/self/limits";
        if (!OperatingSystem.IsLinux() || !File.Exists(limits)) return null;
        // "Max open files            20000                20000                files"
        foreach (string line in File.ReadLines(limits))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 0 && long.TryParse(fields[0], out long soft) ? soft : null;
        }
        return null;
    }

    /// <summary>Connections of any kind the node may hold under <paramref name="limit"/> (no bound when unknown).</summary>
    public static long OpenConnectionCap(long? limit, int headroom) =>
        limit is { } l ? l - Math.Min(headroom, l / 2) : long.MaxValue;

    /// <summary>Why the configured connection limits cannot all be reached under <paramref name="limit"/>, or null when they can.</summary>
    public static string? MisfitWarning(long? limit, ConnectionLimitOptions options)
    {
        long cap = OpenConnectionCap(limit, options.FileDescriptorHeadroom);
        long wanted = (long)options.MaxConnectionsPerNode + options.MaxPendingConnectionsPerNode;
        if (limit is null || wanted <= cap) return null;
        return $"The file-descriptor limit of {limit} (ulimit -n) cannot hold Collab:Limits:MaxConnectionsPerNode " +
               $"({options.MaxConnectionsPerNode}) and MaxPendingConnectionsPerNode ({options.MaxPendingConnectionsPerNode}) " +
               $"with {limit - cap} descriptors of headroom: this node accepts at most {cap} connections and closes " +
               "more at once. Raise the limit or lower the settings.";
    }
}
