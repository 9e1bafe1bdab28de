namespace CollabActors.Connections;

/// <summary>
/// A stream that notes by itself when the peer last sent a byte. A <see cref="HeartbeatStream"/> over one passes reads
/// straight through instead of wrapping each in a state machine of its own, which a quiet socket would keep for as long
/// as it waits (about 150 bytes per idle connection).
/// </summary>
public interface IInboundClock
{
    /// <summary>When the peer last sent a byte, on the <see cref="Environment.TickCount64"/> clock.</summary>
    long LastInboundTick { get; }
}
