using Akka.Actor;
using Akka.Event;
using Akka.Serialization;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabActors.Serialization;

namespace CollabActors.Fanout;

/// <summary>
/// One per node, at the well-known path <c>/user/node-fanout</c>: the node end of a document's broadcast. A document
/// tells each node where it has subscribers once per committed op (<see cref="FanoutCommands.Publish"/>); this actor
/// hands the op to that node's subscribers as one <see cref="DocumentReplies.OpPublished"/> whose frame
/// (<see cref="PreparedMessage"/>) is encoded at most once per encoding for all of them. So a room with editors on
/// three nodes costs the document three messages per op, not one per editor, and each node encodes the op once, not
/// once per remote message. Replies to subscribers come through here too (<see cref="FanoutCommands.Relay"/>), so
/// everything a document sends a subscriber travels one path and arrives in order. A document on another node sends
/// its commands through its own node's <see cref="FanoutOutbox"/>, which gathers them into
/// a <see cref="FanoutCommands.Batch"/> per node for a few milliseconds; they are handled here one by one, in order.
/// </summary>
public sealed class NodeFanout : ReceiveActor
{
    /// <summary>The actor's name under <c>/user</c>, the same on every node.</summary>
    public const string Name = "node-fanout";

    /// <summary>Subscribers on this node, per document incarnation (the sender of the commands).</summary>
    private readonly Dictionary<IActorRef, HashSet<IActorRef>> _subscribers = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly SerializerWithStringManifest _serializer;

    public NodeFanout()
    {
        _serializer = (SerializerWithStringManifest)((ExtendedActorSystem)Context.System).Serialization.FindSerializerForType(typeof(FanoutCommands.Batch));
        Receive<FanoutCommands.IFanoutCommand>(command => Handle(command, Sender));
        Receive<FanoutCommands.Batch>(OnBatch);
        Receive<Terminated>(t => _subscribers.Remove(t.ActorRef));
    }

    /// <summary>Start it once per node as a top-level actor named <see cref="Name"/>; documents on any node find it there.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new NodeFanout());

    /// <summary>The fan-out of the node at <paramref name="node"/> (this node's when it is the local address).</summary>
    public static ActorPath PathOn(Address node) => new RootActorPath(node) / "user" / Name;

    /// <summary>A command of <paramref name="document"/>, alone or out of a batch from its node.</summary>
    private void Handle(FanoutCommands.IFanoutCommand command, IActorRef document)
    {
        switch (command)
        {
            case FanoutCommands.AddSubscriber add:
                if (!_subscribers.TryGetValue(document, out HashSet<IActorRef>? set))
                {
                    _subscribers[document] = set = [];
                    // A document that stops (hand-off, passivation, its node gone) takes its subscriber set with it; its
                    // next incarnation sends its own.
                    Context.Watch(document);
                }
                set.Add(add.Subscriber);
                break;
            case FanoutCommands.RemoveSubscriber remove:
                if (!_subscribers.TryGetValue(document, out HashSet<IActorRef>? of) || !of.Remove(remove.Subscriber) || of.Count > 0) return;
                _subscribers.Remove(document);
                Context.Unwatch(document);
                break;
            case FanoutCommands.Publish publish:
                OnPublish(publish, document);
                break;
            case FanoutCommands.Relay relay:
                relay.To.Tell(relay.Reply, document);
                break;
        }
    }

    /// <summary>Each command in order, as its document sent it; one that cannot be read is logged and skipped (it is a bug).</summary>
    private void OnBatch(FanoutCommands.Batch batch)
    {
        foreach (FanoutCommands.BatchedCommand batched in batch.Commands)
        {
            object command;
            try
            {
                command = _serializer.FromBinary(batched.Bytes, batched.Manifest);
            }
            catch (Exception e)
            {
                _log.Error(e, "A batched command '{0}' of {1} could not be read", batched.Manifest, batched.Document);
                continue;
            }
            if (command is FanoutCommands.IFanoutCommand fanout) Handle(fanout, batched.Document);
            else _log.Error("A batch carried '{0}', which is not a fan-out command", batched.Manifest);
        }
    }

    private void OnPublish(FanoutCommands.Publish publish, IActorRef document)
    {
        if (!_subscribers.TryGetValue(document, out HashSet<IActorRef>? set))
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
            subscriber.Tell(published, document);
            delivered++;
        }
        CollabMetrics.FanoutPublished(delivered);
    }
}
