using System.Globalization;

namespace CollabLoad.Metrics;

/// <summary>
/// Reads a process's CPU time (user + system) from /proc/PID/stat (Linux). The load run reads the server's at the
/// start and the end of its measured window, so ramp-up, warm-up and the settle phase never count towards CPU per op.
/// </summary>
public static class ProcessCpu
{
    // /proc reports CPU time in clock ticks; USER_HZ is 100 on every Linux the project runs on (getconf CLK_TCK).
    private const double TicksPerSecond = 100.0;

    /// <summary>CPU time the process has used so far, or null if it is not there.</summary>
    public static TimeSpan? Used(int pid)
    {
        string path = $"/proc/{pid}/stat";
        string stat;
        try
        {
            stat = File.ReadAllText(path);
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
        // After the name: state (field 3) is fields[0], so utime (field 14) is fields[11] and stime (15) fields[12].
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out long user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out long system))
            return null;
        return TimeSpan.FromSeconds((user + system) / TicksPerSecond);
    }
}
