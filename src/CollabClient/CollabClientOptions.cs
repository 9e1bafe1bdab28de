using System.Net;

namespace CollabClient;

/// <summary>How a <see cref="CollabConnection"/> talks and recovers. Defaults suit a laptop and a test.</summary>
public sealed record CollabClientOptions
{
    public FrameEncoding Encoding { get; init; } = FrameEncoding.Json;

    /// <summary>Time allowed to open the socket and complete the handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconnect after a lost connection: exponential backoff from the first delay to the maximum, with jitter.</summary>
    public bool Reconnect { get; init; } = true;
    public TimeSpan ReconnectFirstDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Other servers of the same cluster (ws:// URLs, any node serves any document). After a lost connection each
    /// reconnect attempt goes to the next server in turn: the first URL, then these.
    /// </summary>
    public IReadOnlyList<Uri> OtherServers { get; init; } = [];

    /// <summary>Consecutive failed reconnect attempts before the connection gives up (state Failed).</summary>
    public int MaxReconnectAttempts { get; init; } = 20;

    /// <summary>Largest frame accepted from the server; a bigger one is a protocol error.</summary>
    public int MaxFrameBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Source address for the TCP connection (null: the system's choice). Load tests use 127.0.0.2, .3 … to hold
    /// more connections than one address has ephemeral ports.
    /// </summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>
    /// After this long without a byte from the server the client sends a WebSocket ping (Zero: never). The server
    /// pings too, but only the client's own ping tells the client that the server is still there.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the client's ping may go unanswered before the connection is taken for lost and reconnects: a
    /// half-open connection (the server's host gone, the path cut without a reset) otherwise looks open for ever,
    /// since the client would wait for the next op. <see cref="Timeout.InfiniteTimeSpan"/>: never.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
