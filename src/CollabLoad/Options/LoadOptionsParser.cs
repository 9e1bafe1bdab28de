using System.Globalization;
using System.Net;
using CollabClient;

namespace CollabLoad.Options;

/// <summary>Reads the command line into <see cref="LoadOptions"/>, refusing anything unclear with a message that says why.</summary>
public static class LoadOptionsParser
{
    public const string Usage = """
        CollabLoad: simulated editors against a ShareDB-protocol server (CollabHost or stock ShareDB), on 127.0.0.0/8 only.

          --url ws://127.0.0.1:5000/ws   server WebSocket URL (required; host must be in 127.0.0.0/8 or localhost);
                                         several, comma-separated: nodes of a cluster, editor i on node i % n
          --docs N                       documents (default 10)
          --editors-per-doc N            editors per document, one connection each (default 4)
          --rate R                       edits per second per editor, open loop (default 5)
          --mode open|closed             open: type at the rate; closed: next edit when the last is acked (default open)
          --duration 60s                 measured time after ramp-up (s, ms or m; default 30s)
          --ramp-up 5s                   time over which editors join (default 5s)
          --encoding json|msgpack        frame encoding (default json; msgpack is CollabHost's extension)
          --collection NAME              collection (default load)
          --doc-prefix P                 document ids P0, P1 … (default unique per run)
          --typists-per-doc N            of each document's editors, how many type; the others watch (default all)
          --no-presence                  do not publish cursors
          --max-doc-length N             keep documents near N code points (default 2000)
          --idle-connections N           hold N quiet connections instead of typing
          --idle-subscribe-every N       of the idle connections, every N-th subscribes to a document (default 1: all)
          --source-addresses K           spread connections over 127.0.0.2 … 127.0.0.(K+1)
          --server-pid PID               read the server's RSS (memory per connection) and CPU time over the measured
                                         window (CPU per acked op) from /proc/PID
          --cpu-pids P1,P2,...           server processes whose CPU time over the measured window is summed
          --database-pid PID             the database's root process (e.g. PostgreSQL's postmaster): its CPU time and
                                         its children's over the measured window, reported beside the servers'
          --kill-busiest-after 20s       failover run: kill -9 the busiest of --cpu-pids this long into the window,
                                         and report each document's recovery and each editor's longest stall
          --kill-node N                  with --kill-busiest-after: kill the N-th of --cpu-pids (1 = the first)
                                         instead of the busiest
          --seed S                       random seed (printed; default from the clock)
          --out DIR                      write DIR/<label>-result.json and DIR/<label>-report.html
          --label NAME                   run label (default run)
          --settle-timeout 30s           time allowed at the end for acks and the convergence check
          --plain                        plain progress lines even on a terminal
        Exit code: 0 if no errors and every editor converged, 1 otherwise, 2 for a bad command line.
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Uri[]? urls = null;
        var o = new LoadOptions { Url = new Uri("ws://127.0.0.1/") };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new LoadOptionsException($"Unexpected argument '{name}'; options start with --.");
            if (!seen.Add(name)) throw new LoadOptionsException($"{name} is given twice.");
            string Value()
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new LoadOptionsException($"{name} needs a value.");
                return args[++i];
            }
            switch (name)
            {
                case "--url": urls = Value().Split(',', StringSplitOptions.TrimEntries).Select(ParseUrl).ToArray(); break;
                case "--docs": o = o with { Docs = Int(name, Value(), 1, 100_000) }; break;
                case "--editors-per-doc": o = o with { EditorsPerDoc = Int(name, Value(), 1, 1000) }; break;
                case "--typists-per-doc": o = o with { TypistsPerDoc = Int(name, Value(), 0, 1000) }; break;
                case "--rate": o = o with { Rate = Double(name, Value(), 0.01, 1000) }; break;
                case "--mode": o = o with { Mode = Choice(name, Value(), ("open", LoadMode.Open), ("closed", LoadMode.Closed)) }; break;
                case "--duration": o = o with { Duration = DurationValue(name, Value(), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)) }; break;
                case "--ramp-up": o = o with { RampUp = DurationValue(name, Value(), TimeSpan.Zero, TimeSpan.FromHours(1)) }; break;
                case "--encoding": o = o with { Encoding = Choice(name, Value(), ("json", FrameEncoding.Json), ("msgpack", FrameEncoding.MessagePack)) }; break;
                case "--collection": o = o with { Collection = Name(name, Value()) }; break;
                case "--doc-prefix": o = o with { DocPrefix = Name(name, Value()) }; break;
                case "--no-presence": o = o with { Presence = false }; break;
                case "--max-doc-length": o = o with { MaxDocLength = Int(name, Value(), 10, 10_000_000) }; break;
                case "--idle-connections": o = o with { IdleConnections = Int(name, Value(), 1, 1_000_000) }; break;
                case "--idle-subscribe-every": o = o with { IdleSubscribeEvery = Int(name, Value(), 1, 1_000_000) }; break;
                case "--source-addresses": o = o with { SourceAddresses = Int(name, Value(), 1, 250) }; break;
                case "--server-pid": o = o with { ServerPid = Int(name, Value(), 1, int.MaxValue) }; break;
                case "--cpu-pids": o = o with { CpuPids = Value().Split(',', StringSplitOptions.TrimEntries).Select(v => Int(name, v, 1, int.MaxValue)).ToArray() }; break;
                case "--database-pid": o = o with { DatabasePid = Int(name, Value(), 1, int.MaxValue) }; break;
                case "--kill-busiest-after": o = o with { KillBusiestAfter = DurationValue(name, Value(), TimeSpan.Zero, TimeSpan.FromHours(1)) }; break;
                case "--kill-node": o = o with { KillNode = Int(name, Value(), 1, 1000) }; break;
                case "--seed": o = o with { Seed = Int(name, Value(), int.MinValue, int.MaxValue) }; break;
                case "--out": o = o with { OutputDirectory = Value() }; break;
                case "--label": o = o with { Label = Name(name, Value()) }; break;
                case "--settle-timeout": o = o with { SettleTimeout = DurationValue(name, Value(), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) }; break;
                case "--plain": o = o with { PlainOutput = true }; break;
                default: throw new LoadOptionsException($"Unknown option {name}.");
            }
        }
        if (urls is null) throw new LoadOptionsException("--url is required, e.g. --url ws://127.0.0.1:5000/ws.");
        if (o.KillBusiestAfter is TimeSpan after)
        {
            if (o.CpuPids.Count < 2) throw new LoadOptionsException("--kill-busiest-after needs --cpu-pids with at least two nodes (one must survive).");
            if (urls.Length < 2) throw new LoadOptionsException("--kill-busiest-after needs --url with at least two nodes to reconnect to.");
            if (after >= o.Duration) throw new LoadOptionsException($"--kill-busiest-after ({after}) must be within --duration ({o.Duration}).");
        }
        if (o.KillNode is int node)
        {
            if (o.KillBusiestAfter is null) throw new LoadOptionsException("--kill-node needs --kill-busiest-after (when to kill).");
            if (node > o.CpuPids.Count) throw new LoadOptionsException($"--kill-node {node} is past the {o.CpuPids.Count} nodes of --cpu-pids.");
        }
        return o with { Url = urls[0], OtherUrls = urls[1..] };
    }

    /// <summary>Load only ever goes to this machine: the host must be a 127.0.0.0/8 address or localhost.</summary>
    public static Uri ParseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("ws" or "wss"))
            throw new LoadOptionsException($"--url must be a ws:// or wss:// URL, got '{value}'.");
        bool loopback = uri.Host == "localhost"
            || (IPAddress.TryParse(uri.Host, out IPAddress? ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.GetAddressBytes()[0] == 127);
        if (!loopback) throw new LoadOptionsException($"--url must target 127.0.0.0/8 or localhost (load tests stay on this machine), got '{uri.Host}'.");
        return uri;
    }

    public static TimeSpan ParseDuration(string value)
    {
        string v = value.Trim();
        (string number, double scale) = v.EndsWith("ms", StringComparison.Ordinal) ? (v[..^2], 0.001)
            : v.EndsWith('s') ? (v[..^1], 1.0)
            : v.EndsWith('m') ? (v[..^1], 60.0)
            : v.EndsWith('h') ? (v[..^1], 3600.0)
            : (v, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d) || double.IsInfinity(d) || d < 0)
            throw new LoadOptionsException($"'{value}' is not a duration (e.g. 500ms, 30s, 2m).");
        return TimeSpan.FromSeconds(d * scale);
    }

    private static TimeSpan DurationValue(string name, string value, TimeSpan min, TimeSpan max)
    {
        TimeSpan t;
        try
        {
            t = ParseDuration(value);
        }
        catch (LoadOptionsException e)
        {
            throw new LoadOptionsException($"{name}: {e.Message}");
        }
        if (t < min || t > max) throw new LoadOptionsException($"{name} must be between {min} and {max}, got {value}.");
        return t;
    }

    private static int Int(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            throw new LoadOptionsException($"{name} must be an integer, got '{value}'.");
        if (n < min || n > max) throw new LoadOptionsException($"{name} must be between {min} and {max}, got {n}.");
        return n;
    }

    private static double Double(string name, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d))
            throw new LoadOptionsException($"{name} must be a number, got '{value}'.");
        if (d < min || d > max) throw new LoadOptionsException($"{name} must be between {min} and {max}, got {value}.");
        return d;
    }

    private static T Choice<T>(string name, string value, params (string Name, T Value)[] choices)
    {
        foreach ((string n, T v) in choices) if (n == value) return v;
        throw new LoadOptionsException($"{name} must be one of {string.Join(", ", choices.Select(c => c.Name))}, got '{value}'.");
    }

    private static string Name(string name, string value)
    {
        if (value.Length is 0 or > 100 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new LoadOptionsException($"{name} must be 1-100 letters, digits, '-', '_' or '.', got '{value}'.");
        return value;
    }
}
