using Akka.Actor;

namespace CollabActors.Fanout;

/// <summary>How a node starts its fan-out and its outbox.</summary>
public static class NodeFanoutSetup
{
    /// <summary>
    /// Starts the node's <see cref="NodeFanout"/> and its <see cref="FanoutOutbox"/>, both top-level, so both paths
    /// resolve as soon as this returns (a child started in the fan-out's own start would exist only once that ran, and
    /// a document that resolved its path before would hold a dead reference). Returns the fan-out.
    /// </summary>
    public static IActorRef StartOn(ActorSystem system)
    {
        IActorRef fanout = system.ActorOf(NodeFanout.Props(), NodeFanout.Name);
        system.ActorOf(FanoutOutbox.Props(FanoutOutbox.LingerOf(system)), FanoutOutbox.Name);
        return fanout;
    }
}
