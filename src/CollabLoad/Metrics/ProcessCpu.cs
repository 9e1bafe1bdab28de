using System.Globalization;

namespace CollabLoad.Metrics;

/// <summary>
/// Reads a process's CPU time (user + system) from /proc/PID/stat (Linux). The load run reads the server's at the
/// start and the end of its measured window, so ramp-up, warm-up and the settle phase never count towards CPU per op.
/// </summary>
public static class ProcessCpu
{
    // /proc reports CPU time in clock ticks; USER_HZ is 100 on every Linux the project runs on (getconf CLK_TCK).
    private const long ClockTicksPerSecond = 100;

    /// <summary>CPU time the process has used so far, or null if it is not there.</summary>
    public static TimeSpan? Used(int pid) =>
        Read(pid) is { } stat ? FromClockTicks(stat.User + stat.System) : null;

    /// <summary>
    /// Clock ticks as a TimeSpan, exactly: through seconds as a double, 113 ticks came out a 100 ns tick short of
    /// 103 + 10, and a sum of two readings was more than the reading of the sum.
    /// </summary>
    internal static TimeSpan FromClockTicks(long clockTicks) =>
        TimeSpan.FromTicks(clockTicks * (TimeSpan.TicksPerSecond / ClockTicksPerSecond));

    /// <summary>
    /// CPU time of a process and all its descendants (PostgreSQL's postmaster and its backends), counting the
    /// children it has already reaped; null if the root is not there.
    /// </summary>
    public static TimeSpan? TreeUsed(int root)
    {
        if (Read(root) is not { } rootStat) return null;
        long ticks = rootStat.User + rootStat.System + rootStat.ReapedChildren;
        var children = new Dictionary<int, List<(int Pid, Stat Stat)>>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || Read(pid) is not { } stat) continue;
            if (!children.TryGetValue(stat.ParentPid, out List<(int, Stat)>? list)) children[stat.ParentPid] = list = [];
            list.Add((pid, stat));
        }
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out int parent))
        {
            if (!children.TryGetValue(parent, out List<(int Pid, Stat Stat)>? list)) continue;
            foreach ((int pid, Stat stat) in list)
            {
                ticks += stat.User + stat.System;
                pending.Push(pid);
            }
        }
        return FromClockTicks(ticks);
    }

    private readonly record struct Stat(int ParentPid, long User, long System, long ReapedChildren);

    private static Stat? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0) return null;
        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the name: state (field 3) is fields[0], so ppid (field 4) is fields[1], utime (14) fields[11], stime
        // (15) fields[12], and the reaped children's cutime and cstime (16, 17) fields[13] and fields[14].
        if (fields.Length < 15
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent)
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out long user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out long system)
            || !long.TryParse(fields[13], NumberStyles.None, CultureInfo.InvariantCulture, out long childUser)
            || !long.TryParse(fields[14], NumberStyles.None, CultureInfo.InvariantCulture, out long childSystem))
            return null;
        return new Stat(parent, user, system, childUser + childSystem);
    }
}
