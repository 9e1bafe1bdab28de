using CollabActors.Connections;
using CollabActors.Documents;
using CollabHost.Security;

namespace CollabHost;

/// <summary>The host's settings: the <c>Collab</c> section of appsettings.json (or environment, e.g. <c>Collab__DataDir</c>).</summary>
public sealed class CollabOptions
{
    public const string Section = "Collab";

    /// <summary>Folder for local data (the embedded SQLite journal). Relative paths are relative to the working directory.</summary>
    public string DataDir { get; set; } = "./data";

    public ClusterNodeOptions Cluster { get; set; } = new();

    public JournalOptions Journal { get; set; } = new();

    // Fresh instances, not the shared Defaults: the configuration binder sets properties on the instance it finds,
    // so binding into a static Default would leak one host's settings into every other host in the process.
    public DocumentSettings Documents { get; set; } = new();

    public ConnectionSettings Connections { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    /// <summary>Browser origins (<c>https://app.example.com</c>) besides the host's own that may open <c>/ws</c>; others get 403.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    public ConnectionLimitOptions Limits { get; set; } = new();

    /// <summary>
    /// Answer plain WebSocket handshakes for <c>/ws</c> on Kestrel's connection, below ASP.NET Core's HTTP layer, so a
    /// socket does not keep an HTTP request for life (docs/server.md, "WebSockets below the HTTP layer"). False sends
    /// every handshake through the HTTP request, as TLS, HTTP/2 and proxied connections always go.
    /// </summary>
    public bool DirectWebSockets { get; set; } = true;

    /// <summary>The read model of every document and the queries over it (docs/queries.md).</summary>
    public QueryOptions Queries { get; set; } = new();
}

/// <summary>
/// Where this node listens for other nodes and which nodes it joins (<c>Collab:Cluster</c>; environment
/// <c>Collab__Cluster__Hostname</c>, <c>Collab__Cluster__Port</c>, <c>Collab__Cluster__SeedNodes__0</c>, ...).
/// </summary>
public sealed class ClusterNodeOptions
{
    /// <summary>Address other nodes reach this one on.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Akka remoting port; 0 picks a free one (fine for a one-node cluster).</summary>
    public int Port { get; set; }

    /// <summary>
    /// Seed node addresses (<c>akka.tcp://collab@host:port</c>); empty: the node joins itself. With seed nodes the
    /// journal must be PostgreSQL (<see cref="ClusterConfigurationException.ThrowIfJournalNotShared"/>).
    /// </summary>
    public string[] SeedNodes { get; set; } = [];
}
