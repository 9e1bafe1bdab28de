using Akka.Actor;
using Akka.TestKit;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Protocol;
using CollabActors.Tests.Support;
using CollabText;

namespace CollabActors.Tests.Fanout;

/// <summary>
/// A node's fan-out, told by test probes standing for a document incarnation (the sender of every command, as a
/// DocumentActor is) and for the connections subscribed on this node. Commands go through the cluster serializer
/// (serialize-messages on), as they do when the document is on another node.
/// </summary>
public sealed class NodeFanoutTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DocumentId Doc = new("docs", "room");
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private readonly IActorRef _fanout;
    private readonly TestProbe _document;

    public NodeFanoutTests() : base(ActorTestConfig.Create("akka.loglevel = WARNING"))
    {
        _fanout = NodeFanoutSetup.StartOn(Sys);
        _document = CreateTestProbe("document");
    }

    private static CommittedOp Op(long version, string src = "src-a") =>
        new(version, src, version + 1, new EditChange(TextOp.InsertAt(0, "x")), 1_700_000_000_000);

    private TestProbe Subscribed(TestProbe? document = null)
    {
        TestProbe subscriber = CreateTestProbe();
        _fanout.Tell(new FanoutCommands.AddSubscriber(Doc, subscriber.Ref), (document ?? _document).Ref);
        return subscriber;
    }

    [Fact]
    public void One_op_reaches_every_subscriber_on_the_node_but_its_author_in_one_shared_frame()
    {
        TestProbe author = Subscribed();
        TestProbe[] others = [Subscribed(), Subscribed(), Subscribed()];

        _fanout.Tell(new FanoutCommands.Publish(Doc, Op(4), author.Ref), _document.Ref);

        var pushed = others.Select(o => o.ExpectMsg<DocumentReplies.OpPublished>()).ToArray();
        Assert.All(pushed, p => Assert.Same(pushed[0].Frame, p.Frame));
        Assert.All(others, o => Assert.Equal(_document.Ref, o.LastSender));
        Assert.Equal(4, pushed[0].Op.Version);
        Assert.Equal(new OpMessage("docs", "room", 4, "src-a", 5, pushed[0].Op.Change).ToString(), pushed[0].Frame.Message.ToString());
        author.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void The_frame_is_encoded_once_per_encoding_used_however_many_subscribers()
    {
        TestProbe[] subscribers = Enumerable.Range(0, 50).Select(_ => Subscribed()).ToArray();
        _fanout.Tell(new FanoutCommands.Publish(Doc, Op(1), null), _document.Ref);
        PreparedMessage[] frames = subscribers.Select(s => s.ExpectMsg<DocumentReplies.OpPublished>().Frame).ToArray();

        Parallel.ForEach(frames, frame => frame.BytesFor(WireEncoding.Json));
        Assert.Equal(1, frames[0].Encodings);
        Parallel.ForEach(frames.Take(10), frame => frame.BytesFor(WireEncoding.MessagePack));
        Assert.Equal(2, frames[0].Encodings);
    }

    [Fact]
    public void A_relayed_reply_arrives_in_order_with_the_ops_and_from_the_document()
    {
        TestProbe subscriber = Subscribed();
        _fanout.Tell(new FanoutCommands.Publish(Doc, Op(7, "src-b"), null), _document.Ref);
        _fanout.Tell(new FanoutCommands.Relay(Doc, subscriber.Ref, new DocumentReplies.Acknowledged(Doc, 3, "src-a", 2, 8, [])), _document.Ref);

        Assert.Equal(7, subscriber.ExpectMsg<DocumentReplies.OpPublished>().Op.Version);
        Assert.Equal(8, subscriber.ExpectMsg<DocumentReplies.Acknowledged>().Version);
        // The connection watches the sender of its replies: the document incarnation, not the fan-out.
        Assert.Equal(_document.Ref, subscriber.LastSender);
    }

    [Fact]
    public void A_removed_subscriber_gets_no_more_ops()
    {
        TestProbe staying = Subscribed();
        TestProbe leaving = Subscribed();
        _fanout.Tell(new FanoutCommands.RemoveSubscriber(Doc, leaving.Ref), _document.Ref);

        _fanout.Tell(new FanoutCommands.Publish(Doc, Op(2), null), _document.Ref);

        staying.ExpectMsg<DocumentReplies.OpPublished>();
        leaving.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void The_subscribers_of_a_stopped_document_incarnation_are_not_those_of_the_next()
    {
        TestProbe subscriber = Subscribed();
        Watch(_document.Ref);
        Sys.Stop(_document.Ref);
        ExpectTerminated(_document.Ref);

        // The next incarnation (maybe on another node) has not subscribed anyone here yet.
        TestProbe next = CreateTestProbe("document-next");
        AwaitAssert(() =>
        {
            _fanout.Tell(new FanoutCommands.Publish(Doc, Op(9), null), next.Ref);
            subscriber.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        }, TimeSpan.FromSeconds(3));
        _fanout.Tell(new FanoutCommands.AddSubscriber(Doc, subscriber.Ref), next.Ref);
        _fanout.Tell(new FanoutCommands.Publish(Doc, Op(10), null), next.Ref);
        Assert.Equal(10, subscriber.ExpectMsg<DocumentReplies.OpPublished>().Op.Version);
    }

    [Fact]
    public void Subscribers_of_two_documents_get_only_their_own_documents_ops()
    {
        TestProbe other = CreateTestProbe("other-document");
        TestProbe mine = Subscribed();
        TestProbe theirs = Subscribed(other);

        _fanout.Tell(new FanoutCommands.Publish(Doc, Op(3), null), _document.Ref);

        mine.ExpectMsg<DocumentReplies.OpPublished>();
        theirs.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void A_batch_is_handled_command_by_command_in_order_each_as_from_its_document_and_an_unreadable_one_is_skipped()
    {
        TestProbe other = CreateTestProbe("other-document");
        TestProbe subscriber = CreateTestProbe();
        var serializer = (CollabActors.Serialization.ClusterMessageSerializer)((ExtendedActorSystem)Sys).Serialization.FindSerializerForType(typeof(FanoutCommands.Batch));
        FanoutCommands.BatchedCommand From(TestProbe document, FanoutCommands.IFanoutCommand command)
        {
            (string manifest, byte[] bytes) = serializer.ToBatchedBinary(command);
            return new FanoutCommands.BatchedCommand(document.Ref, manifest, bytes);
        }
        DocumentId otherDoc = new("docs", "other");

        _fanout.Tell(new FanoutCommands.Batch(
        [
            From(_document, new FanoutCommands.AddSubscriber(Doc, subscriber.Ref)),
            From(other, new FanoutCommands.AddSubscriber(otherDoc, subscriber.Ref)),
            From(_document, new FanoutCommands.Publish(Doc, Op(1), null)),
            new FanoutCommands.BatchedCommand(_document.Ref, "fanout-publish.1", [0xc1, 0x00]),
            From(other, new FanoutCommands.Publish(otherDoc, Op(4), null)),
            From(_document, new FanoutCommands.Publish(Doc, Op(2), null)),
        ]));

        var first = subscriber.ExpectMsg<DocumentReplies.OpPublished>();
        Assert.Equal((Doc, 1L, _document.Ref), (first.Document, first.Op.Version, subscriber.LastSender));
        var second = subscriber.ExpectMsg<DocumentReplies.OpPublished>();
        Assert.Equal((otherDoc, 4L, other.Ref), (second.Document, second.Op.Version, subscriber.LastSender));
        var third = subscriber.ExpectMsg<DocumentReplies.OpPublished>();
        Assert.Equal((Doc, 2L, _document.Ref), (third.Document, third.Op.Version, subscriber.LastSender));
        subscriber.ExpectNoMsg(Quiet);
    }
}
