using Akka.Actor;
using CollabActors.Documents;

namespace CollabActors.Tests.Documents;

/// <summary>A document's subscribers grouped by node: what it sends one message per node per op to.</summary>
public sealed class DocumentSubscribersTests
{
    private static readonly Address NodeA = new("akka.tcp", "collab", "10.0.0.1", 4053);
    private static readonly Address NodeB = new("akka.tcp", "collab", "10.0.0.2", 4053);

    private static IActorRef Connection(Address node, string name) =>
        new RemoteLikeRef(new RootActorPath(node) / "user" / name);

    [Fact]
    public void Subscribers_are_grouped_by_the_node_they_live_on()
    {
        var subscribers = new DocumentSubscribers();
        IActorRef a1 = Connection(NodeA, "c1"), a2 = Connection(NodeA, "c2"), b1 = Connection(NodeB, "c3");
        Assert.True(subscribers.Add(a1));
        Assert.True(subscribers.Add(a2));
        Assert.True(subscribers.Add(b1));

        Assert.Equal(3, subscribers.Count);
        var byNode = subscribers.ByNode.ToDictionary(n => n.Node, n => n.Subscribers);
        Assert.Equal(2, byNode.Count);
        Assert.Equal([a1, a2], byNode[NodeA].OrderBy(r => r.Path.Name));
        Assert.Equal([b1], byNode[NodeB]);
    }

    [Fact]
    public void Adding_twice_or_removing_a_stranger_changes_nothing()
    {
        var subscribers = new DocumentSubscribers();
        IActorRef a1 = Connection(NodeA, "c1");
        Assert.True(subscribers.Add(a1));
        Assert.False(subscribers.Add(a1));
        Assert.False(subscribers.Remove(Connection(NodeB, "c9")));
        Assert.Equal(1, subscribers.Count);
        Assert.True(subscribers.Contains(a1));
    }

    [Fact]
    public void A_node_whose_last_subscriber_left_is_sent_nothing()
    {
        var subscribers = new DocumentSubscribers();
        IActorRef a1 = Connection(NodeA, "c1"), b1 = Connection(NodeB, "c2");
        subscribers.Add(a1);
        subscribers.Add(b1);

        Assert.True(subscribers.Remove(b1));

        Assert.Equal([NodeA], subscribers.ByNode.Select(n => n.Node));
        Assert.False(subscribers.Contains(b1));
        Assert.Equal([a1], subscribers.All);
    }

    /// <summary>An actor reference with a path on another node; these tests only group references, never send.</summary>
    private sealed class RemoteLikeRef(ActorPath path) : MinimalActorRef
    {
        public override ActorPath Path { get; } = path;

        public override IActorRefProvider Provider => throw new NotSupportedException();
    }
}
