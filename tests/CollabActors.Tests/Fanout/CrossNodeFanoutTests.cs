using Akka.Actor;
using Akka.TestKit;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Protocol;
using CollabActors.Tests.Support;
using CollabText;
using Xunit.Abstractions;

namespace CollabActors.Tests.Fanout;

/// <summary>Tests that read the process-wide metrics, run alone so that no other test's messages are counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "process metrics";
}

/// <summary>
/// Three actor systems in this process, each on its own TCP port (Akka.Remote over 127.0.0.1, the transport a cluster
/// uses), each with its fan-out; a DocumentActor on the first; subscribers (test probes standing for connections) on
/// all three. In-process rather than three host processes because the counts come from the serializer and the
/// fan-outs themselves, read through CollabMetrics while nothing else runs, and each node's frames are the very objects
/// its subscribers received: messages that cross a node boundary are counted exactly, not inferred from a process's
/// totals.
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class CrossNodeFanoutTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DocumentId Doc = new("docs", "three-nodes");
    private readonly ActorSystem _nodeB;
    private readonly ActorSystem _nodeC;

    public CrossNodeFanoutTests(ITestOutputHelper output) : base(ActorTestConfig.Create(ActorTestConfig.RemoteNode), "node-a", output)
    {
        _nodeB = ActorSystem.Create("node-b", ActorTestConfig.Create(ActorTestConfig.RemoteNode));
        _nodeC = ActorSystem.Create("node-c", ActorTestConfig.Create(ActorTestConfig.RemoteNode));
        foreach (ActorSystem node in new[] { Sys, _nodeB, _nodeC }) NodeFanoutSetup.StartOn(node);
    }

    protected override void AfterAll()
    {
        _nodeB.Terminate().Wait(TimeSpan.FromSeconds(10));
        _nodeC.Terminate().Wait(TimeSpan.FromSeconds(10));
        base.AfterAll();
    }

    /// <summary>A probe on <paramref name="node"/>, and the reference node A's document holds for it (remote unless on A).</summary>
    private (TestProbe Probe, IActorRef SeenFromA) Connection(ActorSystem node)
    {
        TestProbe probe = CreateTestProbe(node);
        return (probe, NodeReferences.SeenFrom(Sys, probe.Ref, node));
    }

    [Fact]
    public void One_op_for_editors_on_three_nodes_crosses_once_per_remote_node_and_is_encoded_once_per_node_and_encoding()
    {
        IActorRef document = Sys.ActorOf(DocumentActor.Props(Doc, DocumentSettings.Default, CreateTestProbe().Ref));
        TestProbe author = CreateTestProbe();
        document.Tell(new DocumentCommands.Submit(Doc, 1, author.Ref, "author", 1, null, new CreateChange(TextUnicodeType.Uri, "")));
        author.ExpectMsg<DocumentReplies.Acknowledged>();

        // Three editors on each node; on node C one of them speaks MessagePack.
        var editors = new Dictionary<ActorSystem, (TestProbe Probe, IActorRef SeenFromA)[]>
        {
            [Sys] = [Connection(Sys), Connection(Sys), Connection(Sys)],
            [_nodeB] = [Connection(_nodeB), Connection(_nodeB), Connection(_nodeB)],
            [_nodeC] = [Connection(_nodeC), Connection(_nodeC), Connection(_nodeC)],
        };
        long requestId = 10;
        foreach ((TestProbe probe, IActorRef seenFromA) in editors.Values.SelectMany(e => e))
        {
            document.Tell(new DocumentCommands.Subscribe(Doc, ++requestId, seenFromA, null));
            probe.ExpectMsg<DocumentReplies.Fetched>(TimeSpan.FromSeconds(10));
        }

        using var counts = new CollabCounts();
        document.Tell(new DocumentCommands.Submit(Doc, 2, author.Ref, "author", 2, 1, new EditChange(TextOp.InsertAt(0, "hi"))));
        author.ExpectMsg<DocumentReplies.Acknowledged>();

        var framesByNode = new Dictionary<ActorSystem, PreparedMessage[]>();
        foreach ((ActorSystem node, (TestProbe Probe, IActorRef _)[] onNode) in editors)
        {
            framesByNode[node] = onNode.Select(e => e.Probe.ExpectMsg<DocumentReplies.OpPublished>(TimeSpan.FromSeconds(10)).Frame).ToArray();
            foreach (var e in onNode) e.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }
        // Each connection writes the op in its client's encoding.
        foreach ((ActorSystem node, PreparedMessage[] frames) in framesByNode)
        for (int i = 0; i < frames.Length; i++)
            frames[i].BytesFor(node == _nodeC && i == 0 ? WireEncoding.MessagePack : WireEncoding.Json);

        // Every subscriber on a node got the same frame; each node built its own.
        foreach (PreparedMessage[] frames in framesByNode.Values) Assert.All(frames, f => Assert.Same(frames[0], f));
        Assert.Equal(3, framesByNode.Values.Select(f => f[0]).Distinct().Count());
        Assert.Equal(1, framesByNode[Sys][0].Encodings);
        Assert.Equal(1, framesByNode[_nodeB][0].Encodings);
        Assert.Equal(2, framesByNode[_nodeC][0].Encodings);

        // Across node boundaries: one message to B, one to C, each the batch of that one publish, nothing else (the
        // author's ack is local to A).
        AwaitAssert(() => Assert.Equal(2, counts.Sent("fanout-batch.1")), TimeSpan.FromSeconds(3));
        Assert.Equal(new Dictionary<string, long> { ["fanout-batch.1"] = 2 }, counts.SentByKind());
        Assert.Equal(new Dictionary<string, long> { ["fanout-publish.1"] = 2 }, counts.BatchedByKind());
        Assert.Equal(3, counts.FanoutOps); // one per node, A's own included
        Assert.Equal(9, counts.FanoutDeliveries);
        Assert.Equal(3, counts.Encodings("json"));
        Assert.Equal(1, counts.Encodings("msgpack"));
    }

    [Fact]
    public void An_author_subscribed_on_another_node_gets_its_ack_through_that_nodes_fanout_and_no_echo()
    {
        IActorRef document = Sys.ActorOf(DocumentActor.Props(Doc with { Id = "author-remote" }, DocumentSettings.Default, CreateTestProbe().Ref));
        DocumentId doc = Doc with { Id = "author-remote" };
        (TestProbe author, IActorRef authorFromA) = Connection(_nodeB);
        (TestProbe neighbour, IActorRef neighbourFromA) = Connection(_nodeB);
        document.Tell(new DocumentCommands.Subscribe(doc, 1, authorFromA, null));
        author.ExpectMsg<DocumentReplies.Fetched>(TimeSpan.FromSeconds(10));
        document.Tell(new DocumentCommands.Subscribe(doc, 2, neighbourFromA, null));
        neighbour.ExpectMsg<DocumentReplies.Fetched>(TimeSpan.FromSeconds(10));

        using var counts = new CollabCounts();
        document.Tell(new DocumentCommands.Submit(doc, 3, authorFromA, "author", 1, 0, new CreateChange(TextUnicodeType.Uri, "x")));

        Assert.Equal(0, author.ExpectMsg<DocumentReplies.Acknowledged>(TimeSpan.FromSeconds(10)).Version);
        // From the document (as node B resolves it), not from B's fan-out: the connection watches that incarnation.
        Assert.Equal((document.Path.ToStringWithoutAddress(), document.Path.Uid),
            (author.LastSender.Path.ToStringWithoutAddress(), author.LastSender.Path.Uid));
        Assert.Equal(0, neighbour.ExpectMsg<DocumentReplies.OpPublished>(TimeSpan.FromSeconds(10)).Op.Version);
        author.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        // Node B hears once: one batch with the ack relayed to the author and the op for everyone else there.
        AwaitAssert(() => Assert.Equal(2, counts.BatchedByKind().Values.Sum()), TimeSpan.FromSeconds(3));
        Assert.Equal(new Dictionary<string, long> { ["fanout-batch.1"] = 1 }, counts.SentByKind());
        Assert.Equal(new Dictionary<string, long> { ["fanout-relay.1"] = 1, ["fanout-publish.1"] = 1 }, counts.BatchedByKind());
    }
}
