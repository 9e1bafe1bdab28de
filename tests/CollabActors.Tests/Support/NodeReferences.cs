using Akka.Actor;

namespace CollabActors.Tests.Support;

/// <summary>References across actor systems of one process, each a node of its own (Akka.Remote over 127.0.0.1).</summary>
public static class NodeReferences
{
    /// <summary>
    /// The reference <paramref name="viewer"/> holds for <paramref name="actor"/>, an actor of <paramref name="home"/>:
    /// the actor itself on the same node, a remote reference by its full path otherwise (as a message would carry it).
    /// </summary>
    public static IActorRef SeenFrom(ActorSystem viewer, IActorRef actor, ActorSystem home) =>
        viewer == home
            ? actor
            : ((ExtendedActorSystem)viewer).Provider.ResolveActorRef(
                actor.Path.ToSerializationFormatWithAddress(((ExtendedActorSystem)home).Provider.DefaultAddress));
}
