using Akka.Actor;
using Akka.Event;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Protocol;

namespace CollabActors.Fanout;

/// <summary>
/// One per node, at the well-known path <c>/user/node-fanout</c>: the node end of a document's broadcast. A document
/// tells each node where it has subscribers once per committed op (<see cref="FanoutCommands.Publish"/>); this actor
/// hands the op to that node's subscribers as one <see cref="DocumentReplies.OpPublished"/> whose frame
/// (<see cref="PreparedMessage"/>) is encoded at most once per encoding for all of them. So a room with editors on
/// three nodes costs the document three messages per op, not one per editor, and each node encodes the op once, not
/// once per remote message. Replies to subscribers come through here too (<see cref="FanoutCommands.Relay"/>), so
/// everything a document sends a subscriber travels one path and arrives in order.
/// </summary>
public sealed class NodeFanout : ReceiveActor
{
    /// <summary>The actor's name under <c>/user</c>, the same on every node.</summary>
    public const string Name = "node-fanout";

    /// <summary>Subscribers on this node, per document incarnation (the sender of the commands).</summary>
    private readonly Dictionary<IActorRef, HashSet<IActorRef>> _subscribers = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public NodeFanout()
    {
        Receive<FanoutCommands.AddSubscriber>(add =>
        {
            if (!_subscribers.TryGetValue(Sender, out HashSet<IActorRef>? set))
            {
                _subscribers[Sender] = set = [];
                // A document that stops (hand-off, passivation, its node gone) takes its subscriber set with it; its
                // next incarnation sends its own.
                Context.Watch(Sender);
            }
            set.Add(add.Subscriber);
        });
        Receive<FanoutCommands.RemoveSubscriber>(remove =>
        {
            if (!_subscribers.TryGetValue(Sender, out HashSet<IActorRef>? set) || !set.Remove(remove.Subscriber) || set.Count > 0) return;
            _subscribers.Remove(Sender);
            Context.Unwatch(Sender);
        });
        Receive<FanoutCommands.Publish>(OnPublish);
        Receive<FanoutCommands.Relay>(relay => relay.To.Tell(relay.Reply, Sender));
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
    }

    /// <summary>Start it once per node as a top-level actor named <see cref="Name"/>; documents on any node find it there.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new NodeFanout());

    /// <summary>The fan-out of the node at <paramref name="node"/> (this node's when it is the local address).</summary>
    public static ActorPath PathOn(Address node) => new RootActorPath(node) / "user" / Name;

    private void OnPublish(FanoutCommands.Publish publish)
    {
        if (!_subscribers.TryGetValue(Sender, out HashSet<IActorRef>? set))
        {
            _log.Debug("Op {0} of {1} for no subscriber here", publish.Op.Version, publish.Document);
            return;
        }
        // Encoded lazily, by the first connection that writes it, once per encoding for all of them.
        var published = new DocumentReplies.OpPublished(publish.Document, publish.Op,
            new PreparedMessage(publish.Op.ToMessage(publish.Document)));
        int delivered = 0;
        foreach (IActorRef subscriber in set)
        {
            if (subscriber.Equals(publish.Author)) continue;
            subscriber.Tell(published, Sender);
            delivered++;
        }
        CollabMetrics.FanoutPublished(delivered);
    }
}
