using Npgsql;

namespace CollabQueryBench;

/// <summary>CPU time read from /proc (user + system, in seconds): a process, its threads by name, PostgreSQL backends.</summary>
public static class CpuMeter
{
    /// <summary>USER_HZ: /proc/*/stat counts CPU time in these ticks (100 per second on Linux).</summary>
    private const double TicksPerSecond = 100;

    public static double Process(int pid) => Read($"/proc/{pid}/stat").Seconds;

    /// <summary>CPU time of a process's threads, summed by thread name (the kernel keeps 15 characters of it).</summary>
    public static Dictionary<string, double> Threads(int pid)
    {
        var byName = new Dictionary<string, double>();
        foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                (string name, double seconds) = Read(Path.Combine(task, "stat"));
                byName[name] = byName.GetValueOrDefault(name) + seconds;
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
        return byName;
    }

    /// <summary>
    /// CPU time of each PostgreSQL backend serving a connection of the store (its <see cref="BenchStore.ApplicationName"/>),
    /// by backend pid. The server runs on this machine (its processes are in /proc).
    /// </summary>
    public static Dictionary<int, double> PostgresBackends(string connectionString)
    {
        var backends = new Dictionary<int, double>();
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "collab-qbench-meter", Pooling = false }.ToString());
        connection.Open();
        using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()", connection);
        command.Parameters.AddWithValue("name", BenchStore.ApplicationName);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            int pid = reader.GetInt32(0);
            try
            {
                backends[pid] = Process(pid);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return backends;
    }

    /// <summary>CPU spent between two readings by pid or name; one that appeared in between counts from zero.</summary>
    public static double Spent<TKey>(IReadOnlyDictionary<TKey, double> before, IReadOnlyDictionary<TKey, double> after, Func<TKey, bool>? which = null)
        where TKey : notnull =>
        after.Where(e => which is null || which(e.Key)).Sum(e => e.Value - before.GetValueOrDefault(e.Key));

    private static (string Name, double Seconds) Read(string statFile)
    {
        string stat = File.ReadAllText(statFile);
        int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
        string[] fields = stat[(close + 2)..].Split(' ');
        // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
        return (stat[(open + 1)..close], (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond);
    }
}
