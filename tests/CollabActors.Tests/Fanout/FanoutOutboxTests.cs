using Akka.Actor;
using Akka.TestKit;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Protocol;
using CollabActors.Tests.Support;
using CollabText;
using Xunit.Abstractions;

namespace CollabActors.Tests.Fanout;

/// <summary>
/// A node's outbox, between two actor systems in this process over Akka.Remote (node A with the outbox under test,
/// node B with the fan-out it sends to). Test probes on A stand for documents (the senders of the commands), probes on
/// B for the connections subscribed there. Messages between the nodes are counted from the serializer's metrics, so
/// these tests run alone (<see cref="ProcessMetricsCollection"/>).
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class FanoutOutboxTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ITestOutputHelper _output;
    private readonly List<ActorSystem> _systems = [];

    public FanoutOutboxTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        foreach (ActorSystem system in _systems) system.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Two nodes, each with its fan-out (and so its outbox) started, the outbox lingering <paramref name="linger"/>.</summary>
    private (ActorSystem A, ActorSystem B, TestKitBase Kit) Nodes(TimeSpan linger)
    {
        string settings = ActorTestConfig.RemoteNode + $"\ncollab.fanout.linger = {(long)linger.TotalMilliseconds}ms";
        ActorSystem a = ActorSystem.Create("node-a", ActorTestConfig.Create(settings));
        ActorSystem b = ActorSystem.Create("node-b", ActorTestConfig.Create(settings));
        _systems.Add(a);
        _systems.Add(b);
        foreach (ActorSystem node in new[] { a, b }) NodeFanoutSetup.StartOn(node);
        var kit = new Akka.TestKit.Xunit2.TestKit(a, _output);
        // As in a cluster, the nodes are associated before anything is sent: a first message that has to set up the
        // association races the other side's first message back (the fan-out's watch of a document) and may be lost.
        TestProbe asker = kit.CreateTestProbe(a);
        a.ActorSelection(NodeFanout.PathOn(AddressOf(b))).Tell(new Identify("associate"), asker.Ref);
        Assert.NotNull(asker.ExpectMsg<ActorIdentity>(Patience).Subject);
        return (a, b, kit);
    }

    private static Address AddressOf(ActorSystem node) => ((ExtendedActorSystem)node).Provider.DefaultAddress;

    /// <summary>A probe on node B, and the reference node A holds for it.</summary>
    private static (TestProbe Probe, IActorRef SeenFromA) ConnectionOnB(TestKitBase kit, ActorSystem a, ActorSystem b)
    {
        TestProbe probe = kit.CreateTestProbe(b);
        return (probe, NodeReferences.SeenFrom(a, probe.Ref, b));
    }

    private static IActorRef OutboxOf(ActorSystem node) => ((ExtendedActorSystem)node).Provider.ResolveActorRef(FanoutOutbox.LocalPath(node));

    private static CommittedOp Op(long version, string text = "x") =>
        new(version, "src", version + 1, new EditChange(TextOp.InsertAt(0, text)), 1_700_000_000_000);

    [Fact]
    public void Commands_of_several_documents_for_another_node_within_the_linger_cross_as_one_message_in_the_order_sent()
    {
        (ActorSystem a, ActorSystem b, TestKitBase kit) = Nodes(TimeSpan.FromMilliseconds(300));
        (TestProbe connection, IActorRef connectionFromA) = ConnectionOnB(kit, a, b);
        TestProbe docX = kit.CreateTestProbe(a), docY = kit.CreateTestProbe(a);
        DocumentId x = new("docs", "x"), y = new("docs", "y");
        IActorRef outbox = OutboxOf(a);
        Address nodeB = AddressOf(b);

        using var counts = new CollabCounts();
        outbox.Tell(new FanoutOutbox.Send(nodeB, docX.Ref, new FanoutCommands.AddSubscriber(x, connectionFromA)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, docY.Ref, new FanoutCommands.AddSubscriber(y, connectionFromA)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, docX.Ref, new FanoutCommands.Publish(x, Op(1), null)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, docY.Ref, new FanoutCommands.Publish(y, Op(7), null)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, docX.Ref, new FanoutCommands.Relay(x, connectionFromA,
            new DocumentReplies.Acknowledged(x, 5, "src", 2, 2, []))));
        outbox.Tell(new FanoutOutbox.Send(nodeB, docX.Ref, new FanoutCommands.Publish(x, Op(3), null)));

        // In the order sent, each from its document (as node B resolves it: the connection watches that incarnation).
        var seen = new List<(string Document, string What, string Sender)>();
        for (int i = 0; i < 4; i++)
        {
            object message = connection.ExpectMsg<object>(Patience);
            string what = message switch
            {
                DocumentReplies.OpPublished p => $"op {p.Op.Version}",
                DocumentReplies.Acknowledged ack => $"ack {ack.Version}",
                _ => message.GetType().Name,
            };
            seen.Add((((IWithDocumentId)message).Document.Id, what, connection.LastSender.Path.ToStringWithoutAddress()));
        }
        Assert.Equal(
            [
                ("x", "op 1", docX.Ref.Path.ToStringWithoutAddress()),
                ("y", "op 7", docY.Ref.Path.ToStringWithoutAddress()),
                ("x", "ack 2", docX.Ref.Path.ToStringWithoutAddress()),
                ("x", "op 3", docX.Ref.Path.ToStringWithoutAddress()),
            ],
            seen);
        Assert.Equal(new Dictionary<string, long> { ["fanout-batch.1"] = 1 }, counts.SentByKind());
        Assert.Equal(new Dictionary<string, long> { ["fanout-add.1"] = 2, ["fanout-publish.1"] = 3, ["fanout-relay.1"] = 1 },
            counts.BatchedByKind());
    }

    [Fact]
    public void A_batch_goes_before_the_command_that_would_take_it_past_its_size_and_a_command_that_fills_one_goes_at_once()
    {
        // A linger far longer than the test: only the size can send these batches.
        (ActorSystem a, ActorSystem b, TestKitBase kit) = Nodes(TimeSpan.FromMinutes(5));
        (TestProbe connection, IActorRef connectionFromA) = ConnectionOnB(kit, a, b);
        TestProbe document = kit.CreateTestProbe(a);
        DocumentId doc = new("docs", "big");
        IActorRef outbox = OutboxOf(a);
        Address nodeB = AddressOf(b);
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.AddSubscriber(doc, connectionFromA)));

        using var counts = new CollabCounts();
        string paste = new('p', FanoutOutbox.MaxBatchBytes * 2 / 3);
        string bigPaste = new('q', FanoutOutbox.MaxBatchBytes);
        // The first batch (the subscriber and a paste) goes when the second paste would not fit beside it; the second
        // paste then waits until the big paste would not fit beside it either; the big paste fills a batch alone and
        // goes at once.
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.Publish(doc, Op(1, paste), null)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.Publish(doc, Op(2, paste), null)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.Publish(doc, Op(3, bigPaste), null)));

        for (long version = 1; version <= 3; version++)
            Assert.Equal(version, connection.ExpectMsg<DocumentReplies.OpPublished>(Patience).Op.Version);
        Assert.Equal(new Dictionary<string, long> { ["fanout-batch.1"] = 3 }, counts.SentByKind());
    }

    [Fact]
    public void With_a_linger_of_zero_each_command_crosses_alone_and_at_once()
    {
        (ActorSystem a, ActorSystem b, TestKitBase kit) = Nodes(TimeSpan.Zero);
        (TestProbe connection, IActorRef connectionFromA) = ConnectionOnB(kit, a, b);
        TestProbe document = kit.CreateTestProbe(a);
        DocumentId doc = new("docs", "alone");
        IActorRef outbox = OutboxOf(a);
        Address nodeB = AddressOf(b);

        using var counts = new CollabCounts();
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.AddSubscriber(doc, connectionFromA)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.Publish(doc, Op(1), null)));
        outbox.Tell(new FanoutOutbox.Send(nodeB, document.Ref, new FanoutCommands.Publish(doc, Op(2), null)));

        Assert.Equal(1, connection.ExpectMsg<DocumentReplies.OpPublished>(Patience).Op.Version);
        Assert.Equal(2, connection.ExpectMsg<DocumentReplies.OpPublished>(Patience).Op.Version);
        Assert.Equal(document.Ref.Path.ToStringWithoutAddress(), connection.LastSender.Path.ToStringWithoutAddress());
        Assert.Equal(new Dictionary<string, long> { ["fanout-add.1"] = 1, ["fanout-publish.1"] = 2 }, counts.SentByKind());
        Assert.Empty(counts.BatchedByKind());
    }
}
