using Akka.Actor;
using Akka.Cluster;

namespace CollabActors.Connections;

/// <summary>
/// One per node: when a member is removed from the cluster, tells every connection actor on this node
/// (<see cref="NodeRemoved"/>).
/// </summary>
/// <remarks>
/// A request sent towards a node in the moment it died can vanish without a dead letter (in a socket buffer, or in
/// remoting's writer as the association broke), and <see cref="Documents.UndeliveredRequestWatch"/> never hears of it.
/// Its editor then waited the whole reply timeout (30 s) and a reconnect, long after the document was back on a
/// survivor (12 of 120 editors in a failover run of bench/cluster.sh). Once the member is removed, shard regions stop
/// routing to it and hold a dead node's documents' messages until their new home answers, so a request sent again
/// then reaches the document as soon as it is back. Sending again is safe: a submit carries its src and seq (a
/// committed op is acknowledged, never applied twice), and fetches and subscribes read or change nothing twice.
/// One selection of <c>/user/connection-*</c> per removal, so a connection pays nothing for this while it is idle.
/// </remarks>
public sealed class NodeRemovedBroadcast : UntypedActor
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "node-removed-broadcast";

    protected override void PreStart() => Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        if (message is ClusterEvent.MemberRemoved removed)
            Context.ActorSelection("/user/" + ConnectionActor.NamePrefix + "*").Tell(new NodeRemoved(removed.Member.Address));
        else
            Unhandled(message);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new NodeRemovedBroadcast());
}
