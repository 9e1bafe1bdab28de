using Akka.Actor;
using Akka.Cluster.Sharding;
using CollabActors.Protocol;

namespace CollabActors.Presence;

/// <summary>
/// One presence channel (a document's cursors, or any channel a client names), a sharding entity: fans each
/// presence value out to the channel's other subscribers. It keeps no presence values; a newcomer gets them by
/// asking (<c>pr</c>) and the others answering, as in ShareDB.
/// </summary>
public sealed class PresenceChannelActor : ReceiveActor
{
    private readonly Dictionary<IActorRef, string> _subscribers = new();

    public PresenceChannelActor(string channel)
    {
        Receive<PresenceCommands.Subscribe>(s =>
        {
            if (_subscribers.TryAdd(s.Subscriber, s.Src)) Context.Watch(s.Subscriber);
            s.Subscriber.Tell(new PresenceReplies.Subscribed(channel));
        });
        Receive<PresenceCommands.Unsubscribe>(u => Forget(u.Subscriber));
        Receive<Terminated>(t => Forget(t.ActorRef));
        Receive<PresenceCommands.Publish>(p =>
        {
            PresenceReplies.Published? published = null;
            foreach ((IActorRef subscriber, string src) in _subscribers)
            {
                if (src == p.Presence.Src) continue; // ShareDB skips by src: the publisher's own other presences too.
                published ??= new PresenceReplies.Published(channel, p.Presence.Src, new PreparedMessage(p.Presence));
                subscriber.Tell(published);
            }
        });
        Receive<PresenceCommands.Request>(r =>
        {
            var requested = new PresenceReplies.Requested(channel);
            foreach ((IActorRef subscriber, string src) in _subscribers)
            {
                if (src != r.Src) subscriber.Tell(requested);
            }
        });
        Receive<PresenceCommands.GetStatus>(_ => Sender.Tell(new PresenceReplies.ChannelStatus(channel, _subscribers.Count)));
        // Sharding's idle passivation is off for channels (it would drop subscribers of a quiet channel); a channel
        // that nobody subscribes to, only published to, stops after a quiet spell.
        Receive<ReceiveTimeout>(_ =>
        {
            if (_subscribers.Count == 0) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        Context.SetReceiveTimeout(IdleWithoutSubscribers);
    }

    /// <summary>How long a channel without subscribers lives after its last message.</summary>
    private static readonly TimeSpan IdleWithoutSubscribers = TimeSpan.FromMinutes(2);

    public static Props Props(string channel) => Akka.Actor.Props.Create(() => new PresenceChannelActor(channel));

    private void Forget(IActorRef subscriber)
    {
        if (!_subscribers.Remove(subscriber)) return;
        Context.Unwatch(subscriber);
        // An empty channel holds nothing worth keeping; it is started again by the next message.
        if (_subscribers.Count == 0) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }
}
