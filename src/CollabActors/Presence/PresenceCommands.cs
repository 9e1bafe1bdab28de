using CollabActors.Serialization;
using Akka.Actor;
using CollabActors.Protocol;

namespace CollabActors.Presence;

/// <summary>What connections and documents ask of a presence channel.</summary>
public static class PresenceCommands
{
    /// <summary>Anything sent to a presence channel; it may cross nodes.</summary>
    public interface IPresenceCommand : IWithPresenceChannel, IClusterMessage;

    /// <summary><c>ps</c>: receive presence published on the channel by anyone with another src.</summary>
    public sealed record Subscribe(string Channel, IActorRef Subscriber, string Src) : IPresenceCommand;

    /// <summary><c>pu</c>, or the connection ending.</summary>
    public sealed record Unsubscribe(string Channel, IActorRef Subscriber) : IPresenceCommand;

    /// <summary>
    /// <c>p</c>: push a presence value to the channel's other subscribers. Document presence arrives here through
    /// its document, already moved to the latest version.
    /// </summary>
    public sealed record Publish(string Channel, IActorRef Publisher, PresenceMessage Presence) : IPresenceCommand;

    /// <summary><c>pr</c>, sent on subscribing: everyone else on the channel is asked to send their presence again.</summary>
    public sealed record Request(string Channel, IActorRef Requester, string Src) : IPresenceCommand;

    /// <summary>How many subscribers the channel has; answered with <see cref="PresenceReplies.ChannelStatus"/>.</summary>
    public sealed record GetStatus(string Channel) : IPresenceCommand;
}
