using CollabActors.Connections;

namespace CollabHost;

/// <summary>
/// The <see cref="HeartbeatStream"/> a request's WebSocket runs over, once ASP.NET Core has accepted it: set by the
/// decorated upgrade features (<see cref="HeartbeatStreamUpgrades"/>) when the platform asks them for the opaque
/// stream, and read by /ws to hand to the connection actor, which corks batches and reads liveness through it.
/// </summary>
public sealed class HeartbeatStreamFeature
{
    /// <summary>Null until the handshake has been answered (101, or 200 to an extended CONNECT).</summary>
    public HeartbeatStream? Stream { get; private set; }

    internal Stream Wrap(Stream opaque)
    {
        if (Stream is not null) throw new InvalidOperationException("This request's connection was already upgraded.");
        Stream = new HeartbeatStream(opaque);
        return Stream;
    }
}
