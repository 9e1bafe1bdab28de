using Akka.Actor;
using CollabActors.Serialization;

namespace CollabActors.Fanout;

/// <summary>
/// One per node, at <c>/user/fanout-outbox</c> (started with the node's fan-out, <see cref="NodeFanoutSetup.StartOn"/>):
/// what this node's documents tell other nodes' fan-outs, gathered for up to <c>collab.fanout.linger</c> and sent as
/// one <see cref="FanoutCommands.Batch"/> per node.
/// A message between nodes costs far more in thread wake-ups (DotNetty's event loops, remoting's actors, a pool
/// worker on each side) than in bytes: about 150 µs of CPU over both sides at 600 ops/s over three nodes, where each
/// op sent 2.6 of them (docs/benchmarks.md, "Batches between nodes"). A batch costs those wake-ups once.
/// </summary>
/// <remarks>
/// Every command a document on this node sends to another node's fan-out comes through here, in the order sent, and a
/// batch keeps that order, so the fan-out's promise holds: an ack never overtakes an op published before it. Each
/// command is serialized when it is added (it would be at the send anyway), so a batch knows its size: it is sent at
/// once when it reaches <see cref="MaxBatchBytes"/>, and a command that would take it past that goes in the next
/// batch, so a batch is never much larger than its largest command would have been alone (remoting drops frames over
/// its maximum-frame-size, 128,000 bytes by default). With a linger of zero every command goes out at once, alone.
/// </remarks>
public sealed class FanoutOutbox : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "fanout-outbox";

    /// <summary>How long a command may wait for others to the same node, unless akka's config says otherwise.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(5);

    /// <summary>A batch this large (the commands' serialized bytes) is sent without waiting out the linger.</summary>
    public const int MaxBatchBytes = 32 * 1024;

    private readonly TimeSpan _linger;
    private readonly ClusterMessageSerializer _serializer;
    private readonly ExtendedActorSystem _system;
    private readonly Dictionary<Address, Pending> _pending = new();
    private readonly Dictionary<Address, IActorRef> _fanouts = new();

    public FanoutOutbox(TimeSpan linger)
    {
        _linger = linger;
        _system = (ExtendedActorSystem)Context.System;
        _serializer = (ClusterMessageSerializer)_system.Serialization.FindSerializerForType(typeof(FanoutCommands.Batch));
        Receive<Send>(OnSend);
        Receive<FlushDue>(due => Flush(due.Node));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(TimeSpan linger) => Akka.Actor.Props.Create(() => new FanoutOutbox(linger));

    /// <summary>The linger of <paramref name="system"/>'s config (<c>collab.fanout.linger</c>), or <see cref="DefaultLinger"/>.</summary>
    public static TimeSpan LingerOf(ActorSystem system) =>
        system.Settings.Config.GetTimeSpan("collab.fanout.linger", DefaultLinger, allowInfinite: false);

    /// <summary>The outbox of this node, at its well-known path.</summary>
    public static ActorPath LocalPath(ActorSystem system) =>
        new RootActorPath(((ExtendedActorSystem)system).Provider.DefaultAddress) / "user" / Name;

    private void OnSend(Send send)
    {
        if (_linger <= TimeSpan.Zero)
        {
            FanoutOn(send.Node).Tell(send.Command, send.Document);
            return;
        }
        (string manifest, byte[] bytes) = _serializer.ToBatchedBinary(send.Command);
        if (_pending.TryGetValue(send.Node, out Pending? pending) && pending.Bytes + bytes.Length > MaxBatchBytes)
        {
            Flush(send.Node);
            pending = null;
        }
        if (pending is null)
        {
            _pending[send.Node] = pending = new Pending();
            Timers.StartSingleTimer(send.Node, new FlushDue(send.Node), _linger);
        }
        pending.Commands.Add(new FanoutCommands.BatchedCommand(send.Document, manifest, bytes));
        pending.Bytes += bytes.Length;
        if (pending.Bytes >= MaxBatchBytes) Flush(send.Node);
    }

    private void Flush(Address node)
    {
        if (!_pending.Remove(node, out Pending? pending)) return;
        Timers.Cancel(node);
        FanoutOn(node).Tell(new FanoutCommands.Batch(pending.Commands), ActorRefs.NoSender);
    }

    private IActorRef FanoutOn(Address node)
    {
        if (!_fanouts.TryGetValue(node, out IActorRef? fanout))
            _fanouts[node] = fanout = _system.Provider.ResolveActorRef(NodeFanout.PathOn(node));
        return fanout;
    }

    /// <summary><see cref="Document"/> (its sender) tells the fan-out of <see cref="Node"/>, another node, <see cref="Command"/>.</summary>
    public sealed record Send(Address Node, IActorRef Document, FanoutCommands.IFanoutCommand Command) : INoSerializationVerificationNeeded;

    private sealed record FlushDue(Address Node) : INoSerializationVerificationNeeded;

    private sealed class Pending
    {
        public List<FanoutCommands.BatchedCommand> Commands { get; } = new();
        public int Bytes { get; set; }
    }
}
