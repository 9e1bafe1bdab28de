using CollabActors.Serialization;
using CollabActors.Protocol;

namespace CollabActors.Presence;

/// <summary>What a presence channel pushes to its subscribers.</summary>
public static class PresenceReplies
{
    /// <summary>Anything a presence channel sends a connection; it may cross nodes.</summary>
    public interface IPresenceReply : IWithPresenceChannel, IClusterMessage;

    /// <summary>Someone's presence changed; <see cref="Frame"/> is the <c>p</c> message encoded once for everyone.</summary>
    public sealed record Published(string Channel, string Src, PreparedMessage Frame) : IPresenceReply;

    /// <summary>
    /// The channel took the subscriber on; its sender is this incarnation of the channel, which the subscriber
    /// watches: if it ends (its node crashed, or its shard moved) the subscription ends with it.
    /// </summary>
    public sealed record Subscribed(string Channel) : IPresenceReply;

    /// <summary>Someone joined and asks for everyone's presence (<c>pr</c>).</summary>
    public sealed record Requested(string Channel) : IPresenceReply;

    public sealed record ChannelStatus(string Channel, int Subscribers) : IPresenceReply;
}
