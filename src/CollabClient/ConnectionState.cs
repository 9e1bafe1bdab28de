namespace CollabClient;

/// <summary>Where a <see cref="CollabConnection"/> is in its life.</summary>
public enum ConnectionState
{
    Connecting,
    Connected,
    Reconnecting,
    /// <summary>Gave up after the configured reconnect attempts, or the server broke the protocol.</summary>
    Failed,
    Closed,
}
