using System.Net;
using CollabClient;

namespace CollabLoad.Options;

/// <summary>Everything a load run is told on the command line (see <see cref="LoadOptionsParser.Usage"/>).</summary>
public sealed record LoadOptions
{
    public required Uri Url { get; init; }
    /// <summary>Other nodes of the same cluster: editors are spread over <see cref="Url"/> and these (<see cref="ServerFor"/>).</summary>
    public IReadOnlyList<Uri> OtherUrls { get; init; } = [];
    public int Docs { get; init; } = 10;
    public int EditorsPerDoc { get; init; } = 4;
    /// <summary>Edits per second per editor (open loop).</summary>
    public double Rate { get; init; } = 5;
    public LoadMode Mode { get; init; } = LoadMode.Open;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan RampUp { get; init; } = TimeSpan.FromSeconds(5);
    public FrameEncoding Encoding { get; init; } = FrameEncoding.Json;
    public string Collection { get; init; } = "load";
    /// <summary>Document ids are this prefix plus a number; by default unique per run.</summary>
    public string? DocPrefix { get; init; }
    public bool Presence { get; init; } = true;
    /// <summary>Editors keep their document near this many code points by deleting more when it is longer.</summary>
    public int MaxDocLength { get; init; } = 2000;
    /// <summary>Hold this many quiet connections instead of typing (memory per connection).</summary>
    public int? IdleConnections { get; init; }
    /// <summary>Of the idle connections, every N-th subscribes to a document; the others only handshake.</summary>
    public int IdleSubscribeEvery { get; init; } = 1;
    /// <summary>Source addresses 127.0.0.2, .3 …: how many to spread connections over (null: the system's choice).</summary>
    public int? SourceAddresses { get; init; }
    /// <summary>A server process to read RSS and CPU time from (/proc/PID), for memory per connection and CPU per op.</summary>
    public int? ServerPid { get; init; }
    /// <summary>Server processes (the nodes) whose CPU time over the measured window is summed (/proc/PID/stat).</summary>
    public IReadOnlyList<int> CpuPids { get; init; } = [];
    /// <summary>The database's root process (PostgreSQL's postmaster): its CPU and its children's over the window.</summary>
    public int? DatabasePid { get; init; }
    /// <summary>Failover run: this long into the measured window, kill -9 the busiest of <see cref="CpuPids"/>.</summary>
    public TimeSpan? KillBusiestAfter { get; init; }
    /// <summary>
    /// Failover run: kill this node (1-based, in the order of <see cref="CpuPids"/>) instead of the busiest, e.g. the
    /// oldest, which holds the shard coordinators and must hand them over too. Null: the busiest.
    /// </summary>
    public int? KillNode { get; init; }
    public int Seed { get; init; } = Environment.TickCount;
    /// <summary>Folder for the JSON result and the HTML report (none written when null).</summary>
    public string? OutputDirectory { get; init; }
    /// <summary>A label for the run in reports (e.g. "sharedb" or "collabhost").</summary>
    public string Label { get; init; } = "run";
    /// <summary>Plain progress lines even on a terminal.</summary>
    public bool PlainOutput { get; init; }
    /// <summary>Time allowed at the end for acks, catch-up and the convergence check.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Connections opened at once during ramp-up (bounded so a burst of handshakes stays realistic).</summary>
    public int ConnectConcurrency { get; init; } = 64;

    /// <summary>
    /// Of each document's editors, how many type; the rest only watch (and receive every op and cursor), as most
    /// people in a big room do. Null: everyone types.
    /// </summary>
    public int? TypistsPerDoc { get; init; }

    public int Editors => Docs * EditorsPerDoc;

    /// <summary>How many editors type in the whole run.</summary>
    public int Typists => Docs * Math.Min(EditorsPerDoc, TypistsPerDoc ?? EditorsPerDoc);

    /// <summary>Editor i sits on document i % Docs; the first <see cref="TypistsPerDoc"/> on each document type.</summary>
    public bool IsTypist(int editorIndex) => TypistsPerDoc is not int typists || editorIndex / Docs < typists;

    /// <summary>All the servers, <see cref="Url"/> first.</summary>
    public IReadOnlyList<Uri> Servers => [Url, .. OtherUrls];

    /// <summary>
    /// Editor i connects to server i % n, so a document's editors (i, i + Docs, ...) sit on different nodes; the
    /// other servers follow in order, for reconnects after a node is lost.
    /// </summary>
    public (Uri First, IReadOnlyList<Uri> Others) ServerFor(int editorIndex)
    {
        IReadOnlyList<Uri> all = Servers;
        int first = editorIndex % all.Count;
        return (all[first], Enumerable.Range(1, all.Count - 1).Select(k => all[(first + k) % all.Count]).ToArray());
    }

    /// <summary>The source address for the i-th connection, or null.</summary>
    public IPAddress? SourceAddressFor(int index) =>
        SourceAddresses is int n ? new IPAddress([127, 0, 0, (byte)(2 + index % n)]) : null;
}
