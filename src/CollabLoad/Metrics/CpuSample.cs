using CollabLoad.Options;
using CollabLoad.Reporting;

namespace CollabLoad.Metrics;

/// <summary>The CPU seconds of the run's server processes and database at one moment, to subtract over a window.</summary>
public sealed record CpuSample(DateTime At, IReadOnlyDictionary<int, double> Servers, double? Database, string LoadAverage)
{
    public static CpuSample Take(LoadOptions options) => new(
        DateTime.UtcNow,
        options.CpuPids.ToDictionary(pid => pid, pid => ProcessCpu.Used(pid)?.TotalSeconds ?? double.NaN),
        options.DatabasePid is int db ? ProcessCpu.TreeUsed(db)?.TotalSeconds : null,
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "");

    /// <summary>One server's CPU seconds (NaN if it was gone).</summary>
    public double Of(int pid) => Servers.TryGetValue(pid, out double seconds) ? seconds : double.NaN;

    /// <summary>
    /// What was used between <paramref name="start"/> and this sample. A server that is gone now (killed in a
    /// failover run) leaves the server sum out: its last seconds cannot be read.
    /// </summary>
    public WindowCpu Since(CpuSample start, long ackedOps)
    {
        double? server = null;
        if (Servers.Count > 0)
        {
            double sum = Servers.Keys.Sum(pid => Of(pid) - start.Of(pid));
            server = double.IsNaN(sum) ? null : sum;
        }
        double? database = Database is double end && start.Database is double begin ? end - begin : null;
        return new WindowCpu(
            Math.Round((At - start.At).TotalSeconds, 3),
            ackedOps,
            server is double s ? Math.Round(s, 3) : null,
            server is double s2 && ackedOps > 0 ? Math.Round(s2 * 1e6 / ackedOps, 1) : null,
            database is double d ? Math.Round(d, 3) : null,
            database is double d2 && ackedOps > 0 ? Math.Round(d2 * 1e6 / ackedOps, 1) : null,
            start.LoadAverage,
            LoadAverage);
    }
}
