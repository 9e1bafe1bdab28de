using CollabActors.Protocol;

namespace CollabActors.Presence;

/// <summary>What a presence channel pushes to its subscribers.</summary>
public static class PresenceReplies
{
    /// <summary>Someone's presence changed; <see cref="Frame"/> is the <c>p</c> message encoded once for everyone.</summary>
    public sealed record Published(string Channel, string Src, PreparedMessage Frame) : IWithPresenceChannel;

    /// <summary>Someone joined and asks for everyone's presence (<c>pr</c>).</summary>
    public sealed record Requested(string Channel) : IWithPresenceChannel;

    public sealed record ChannelStatus(string Channel, int Subscribers) : IWithPresenceChannel;
}
