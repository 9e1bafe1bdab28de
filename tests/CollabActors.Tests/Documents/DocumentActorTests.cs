using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using CollabActors.Tests.Support;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabText;
using CollabText.Types;
using Xunit.Abstractions;

namespace CollabActors.Tests.Documents;

/// <summary>
/// DocumentActor, the single sequencer of one document, over the in-memory journal. Test probes stand for
/// connections (they are real actors receiving the real replies) and for the presence region.
/// </summary>
public class DocumentActorTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly DocumentId _doc = new("docs", "d-" + Guid.NewGuid().ToString("N"));
    private readonly TestProbe _presence;
    private readonly IActorRef _document;
    private long _nextRequestId;

    public DocumentActorTests(ITestOutputHelper output) : base(ActorTestConfig.Create(Config), output: output)
    {
        _presence = CreateTestProbe("presence");
        // The node's fan-out, as the host starts it: the document pushes ops and replies to subscribers through it.
        NodeFanoutSetup.StartOn(Sys);
        _document = Sys.ActorOf(DocumentActor.Props(_doc, DocumentSettings.Default, _presence.Ref));
    }

    private static EditChange Edit(string json) => new(TextOp.Parse(json));

    private DocumentReplies.Acknowledged Submit(TestProbe client, string src, long seq, long? version, OpChange change)
    {
        long requestId = ++_nextRequestId;
        _document.Tell(new DocumentCommands.Submit(_doc, requestId, client.Ref, src, seq, version, change));
        var ack = client.ExpectMsg<DocumentReplies.Acknowledged>();
        Assert.Equal(requestId, ack.RequestId);
        return ack;
    }

    private DocumentReplies.Fetched Subscribe(TestProbe client, long? fromVersion = null)
    {
        _document.Tell(new DocumentCommands.Subscribe(_doc, ++_nextRequestId, client.Ref, fromVersion));
        return client.ExpectMsg<DocumentReplies.Fetched>();
    }

    private WireSnapshot FetchSnapshot()
    {
        var probe = CreateTestProbe();
        _document.Tell(new DocumentCommands.Fetch(_doc, ++_nextRequestId, probe.Ref, null));
        return probe.ExpectMsg<DocumentReplies.Fetched>().Snapshot!;
    }

    private DocumentReplies.DocumentStatus Status()
    {
        _document.Tell(new DocumentCommands.GetStatus(_doc), TestActor);
        return ExpectMsg<DocumentReplies.DocumentStatus>();
    }

    private void CreateDocument(TestProbe author, string text) =>
        Submit(author, "author", 1, 0, new CreateChange(TextUnicodeType.Uri, text));

    [Fact]
    public void Concurrent_submits_at_the_same_version_converge()
    {
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        CreateDocument(alice, "abc");
        Subscribe(alice);
        Subscribe(bob);

        TextOp aliceOp = TextOp.Parse("""[1,"A"]""");
        TextOp bobOp = TextOp.Parse("""[1,"B"]""");
        // Both sent at version 1 before either heard of the other; alice's reaches the document first.
        _document.Tell(new DocumentCommands.Submit(_doc, 1, alice.Ref, "alice", 1, 1, new EditChange(aliceOp)));
        _document.Tell(new DocumentCommands.Submit(_doc, 2, bob.Ref, "bob", 1, 1, new EditChange(bobOp)));

        var aliceAck = alice.ExpectMsg<DocumentReplies.Acknowledged>();
        Assert.Equal(1, aliceAck.Version);
        Assert.Empty(aliceAck.Missed);
        var bobsOpAtAlice = alice.ExpectMsg<DocumentReplies.OpPublished>();
        Assert.Equal(2, bobsOpAtAlice.Op.Version);

        // Bob, a subscriber, is pushed alice's op; his ack carries it again as missed (his connection sends it once).
        CommittedOp pushedToBob = bob.ExpectMsg<DocumentReplies.OpPublished>().Op;
        Assert.Equal(("alice", 1L), (pushedToBob.Src, pushedToBob.Version));
        var bobAck = bob.ExpectMsg<DocumentReplies.Acknowledged>();
        Assert.Equal(2, bobAck.Version);
        CommittedOp missed = Assert.Single(bobAck.Missed);
        Assert.Equal(("alice", 1L, 1L), (missed.Src, missed.Seq, missed.Version));
        bob.ExpectNoMsg(Quiet); // his own op is not echoed to him

        // Each client applies what it received the way the sharedb client does.
        string atAlice = TextUnicodeType.Apply(TextUnicodeType.Apply("abc", aliceOp),
            TextUnicodeOtType.Unwrap(((EditChange)bobsOpAtAlice.Op.Change).Op));
        string atBob = TextUnicodeType.Apply(TextUnicodeType.Apply("abc", bobOp),
            TextUnicodeType.Transform(TextUnicodeOtType.Unwrap(((EditChange)missed.Change).Op), bobOp, TransformSide.Right));
        WireSnapshot server = FetchSnapshot();
        Assert.Equal(3, server.Version);
        Assert.Equal(server.Data, atAlice);
        Assert.Equal(server.Data, atBob);
        Assert.Equal("aBAbc", server.Data); // the later submit goes left of a tie, as ShareDB's transform(op, applied, 'left')
    }

    [Fact]
    public void A_resent_op_is_acknowledged_again_and_applied_once()
    {
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        CreateDocument(alice, "abc");
        Subscribe(bob);

        var first = Submit(alice, "alice", 2, 1, Edit("""["X"]"""));
        var pushed = bob.ExpectMsg<DocumentReplies.OpPublished>();
        Assert.Equal(1, pushed.Op.Version);
        // The ack was lost; alice reconnects and resends the same op with the same src and seq.
        var again = Submit(alice, "alice", 2, 1, Edit("""["X"]"""));

        Assert.Equal(first.Version, again.Version);
        bob.ExpectNoMsg(Quiet);
        Assert.Equal(new WireSnapshot(2, TextUnicodeType.Uri, "Xabc"), FetchSnapshot());
    }

    [Fact]
    public void A_rejected_op_is_answered_with_the_error_and_pushed_to_nobody()
    {
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        CreateDocument(alice, "abc");
        Subscribe(bob);

        _document.Tell(new DocumentCommands.Submit(_doc, 7, alice.Ref, "alice", 2, 1, Edit("""[9,"X"]""")));
        var rejected = alice.ExpectMsg<DocumentReplies.Rejected>();
        Assert.Equal(7, rejected.RequestId);
        Assert.Equal(ProtocolErrorCodes.OpNotApplied, rejected.Error.Code);
        bob.ExpectNoMsg(Quiet);
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "abc"), FetchSnapshot());
    }

    [Fact]
    public void Subscribing_from_a_version_sends_the_ops_since_then_instead_of_the_snapshot()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        Submit(alice, "alice", 2, 1, Edit("""["X"]"""));
        Submit(alice, "alice", 3, 2, Edit("""["Y"]"""));

        var late = CreateTestProbe("late");
        DocumentReplies.Fetched caughtUp = Subscribe(late, fromVersion: 1);
        Assert.Null(caughtUp.Snapshot);
        Assert.Equal([1L, 2L], caughtUp.Ops.Select(o => o.Version));

        // From then on it is a subscriber.
        Submit(alice, "alice", 4, 3, Edit("""["Z"]"""));
        Assert.Equal(3, late.ExpectMsg<DocumentReplies.OpPublished>().Op.Version);
    }

    [Fact]
    public void Subscribing_without_a_version_gets_the_snapshot()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        DocumentReplies.Fetched fetched = Subscribe(CreateTestProbe());
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "abc"), fetched.Snapshot);
        Assert.Empty(fetched.Ops);
    }

    [Fact]
    public void Subscribing_from_a_version_ahead_of_the_document_is_rejected_and_does_not_subscribe()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        var eager = CreateTestProbe();
        _document.Tell(new DocumentCommands.Subscribe(_doc, 42, eager.Ref, 5));
        Assert.Equal(ProtocolErrorCodes.OpVersionNewerThanCurrentSnapshot, eager.ExpectMsg<DocumentReplies.Rejected>().Error.Code);
        Assert.Equal(0, Status().Subscribers);
    }

    [Fact]
    public void A_committed_op_is_pushed_to_every_subscriber_but_its_author()
    {
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        var carol = CreateTestProbe("carol");
        CreateDocument(alice, "abc");
        Subscribe(alice);
        Subscribe(bob);
        Subscribe(carol);

        Submit(alice, "alice", 2, 1, Edit("""["X"]"""));
        alice.ExpectNoMsg(Quiet);
        var frames = new List<PreparedMessage>();
        foreach (TestProbe other in new[] { bob, carol })
        {
            var pushed = other.ExpectMsg<DocumentReplies.OpPublished>();
            Assert.Equal(("alice", 2L, 1L), (pushed.Op.Src, pushed.Op.Seq, pushed.Op.Version));
            frames.Add(pushed.Frame);
        }
        // The same frame for everyone (one shared instance per node: DocumentBroadcastTests; here every message is
        // serialized as if it crossed nodes).
        Assert.Equal(frames[0].BytesFor(WireEncoding.Json), frames[1].BytesFor(WireEncoding.Json));
        Assert.Equal(3, Status().Subscribers);
    }

    [Fact]
    public void Ops_are_pushed_in_version_order()
    {
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        CreateDocument(alice, "");
        Subscribe(bob);
        for (int i = 0; i < 20; i++)
            _document.Tell(new DocumentCommands.Submit(_doc, 100 + i, alice.Ref, "alice", 2 + i, 1, Edit($"""["{i % 10}"]""")));
        var versions = Enumerable.Range(0, 20).Select(_ => bob.ExpectMsg<DocumentReplies.OpPublished>().Op.Version).ToArray();
        Assert.Equal(Enumerable.Range(1, 20).Select(v => (long)v), versions);
    }

    [Fact]
    public void Subscribers_are_told_to_subscribe_again_when_the_document_stops_under_them()
    {
        var reader = CreateTestProbe();
        Submit(reader, "author", 1, 0, new CreateChange(TextUnicodeType.Uri, "hi"));
        Subscribe(reader);

        // As on a hand-off to another node: the next incarnation starts with no subscribers.
        _document.Tell(DocumentCommands.Stop.Instance);

        Assert.Equal(_doc, reader.ExpectMsg<DocumentReplies.SubscriptionLost>().Document);
    }

    [Fact]
    public void An_unsubscribed_connection_gets_no_more_ops()
    {
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        CreateDocument(alice, "abc");
        Subscribe(bob);
        _document.Tell(new DocumentCommands.Unsubscribe(_doc, bob.Ref));
        Submit(alice, "alice", 2, 1, Edit("""["X"]"""));
        bob.ExpectNoMsg(Quiet);
        Assert.Equal(0, Status().Subscribers);
    }

    [Fact]
    public void A_subscriber_that_dies_is_removed()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        var doomed = CreateTestProbe("doomed");
        Subscribe(doomed);
        Subscribe(alice);
        Assert.Equal(2, Status().Subscribers);

        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref);
        AwaitAssert(() => Assert.Equal(1, Status().Subscribers), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_subscribe_from_an_actor_already_dead_does_not_leave_a_subscriber()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        var gone = CreateTestProbe("gone");
        Watch(gone.Ref);
        Sys.Stop(gone.Ref);
        ExpectTerminated(gone.Ref);
        _document.Tell(new DocumentCommands.Subscribe(_doc, 1, gone.Ref, null));
        AwaitAssert(() => Assert.Equal(0, Status().Subscribers), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void An_idle_document_without_subscribers_asks_its_shard_to_stop_it()
    {
        var settings = new DocumentSettings { PassivateIdleAfter = TimeSpan.FromMilliseconds(300) };
        ChildActorOf(DocumentActor.Props(new DocumentId("docs", "idle"), settings, _presence.Ref));
        ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_document_with_subscribers_is_never_passivated_however_idle()
    {
        var settings = new DocumentSettings { PassivateIdleAfter = TimeSpan.FromMilliseconds(300) };
        var doc = new DocumentId("docs", "watched");
        IActorRef document = ChildActorOf(DocumentActor.Props(doc, settings, _presence.Ref));
        var reader = CreateTestProbe("reader");
        document.Tell(new DocumentCommands.Subscribe(doc, 1, reader.Ref, null));
        reader.ExpectMsg<DocumentReplies.Fetched>();

        ExpectNoMsg(TimeSpan.FromMilliseconds(1500)); // five idle periods, and no request to stop

        document.Tell(new DocumentCommands.Unsubscribe(doc, reader.Ref));
        ExpectMsg<Akka.Cluster.Sharding.Passivate>(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_resend_from_before_the_in_memory_op_log_is_acknowledged_with_every_op_since_its_version()
    {
        // A log of 3 ops: after eight versions, versions before 6 are only in the journal.
        var id = new DocumentId("docs", "short-log");
        IActorRef document = Sys.ActorOf(DocumentActor.Props(id, new DocumentSettings { OpLogCapacity = 3 }, _presence.Ref));
        var alice = CreateTestProbe("alice");
        var bob = CreateTestProbe("bob");
        long requestId = 0;
        DocumentReplies.Acknowledged SubmitTo(TestProbe client, string src, long seq, long version, string op)
        {
            document.Tell(new DocumentCommands.Submit(id, ++requestId, client.Ref, src, seq, version,
                op == "create" ? new CreateChange(TextUnicodeType.Uri, "") : Edit(op)));
            return client.ExpectMsg<DocumentReplies.Acknowledged>();
        }
        SubmitTo(bob, "bob", 1, 0, "create");
        SubmitTo(bob, "bob", 2, 1, """["b1"]""");
        SubmitTo(bob, "bob", 3, 2, """["b2"]""");
        // Alice typed at version 1; her op lands at version 3, after bob's two.
        Assert.Equal(3, SubmitTo(alice, "alice", 1, 1, """["a"]""").Version);
        for (int v = 4; v <= 8; v++) SubmitTo(bob, "bob", v, v, """["b"]""");

        // The ack was lost with a crash; alice resends from version 1. She never saw versions 1 and 2: the ack must
        // bring them (from the journal), or her client's version would move past them and lose them.
        DocumentReplies.Acknowledged again = SubmitTo(alice, "alice", 1, 1, """["a"]""");

        Assert.Equal(3, again.Version);
        Assert.Equal([1L, 2L], again.Missed.Select(op => op.Version));
    }

    [Fact]
    public void A_restarted_document_recovers_its_ops_from_the_journal()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        Submit(alice, "alice", 2, 1, Edit("""["X"]"""));
        Watch(_document);
        Sys.Stop(_document);
        ExpectTerminated(_document);

        IActorRef restarted = Sys.ActorOf(DocumentActor.Props(_doc, DocumentSettings.Default, _presence.Ref));
        restarted.Tell(new DocumentCommands.Fetch(_doc, 1, TestActor, null));
        Assert.Equal(new WireSnapshot(2, TextUnicodeType.Uri, "Xabc"), ExpectMsg<DocumentReplies.Fetched>().Snapshot);
        // The recovered op log still dedupes a resend of the last op.
        restarted.Tell(new DocumentCommands.Submit(_doc, 2, TestActor, "alice", 2, 1, Edit("""["X"]""")));
        Assert.Equal(1, ExpectMsg<DocumentReplies.Acknowledged>().Version);
        restarted.Tell(new DocumentCommands.Fetch(_doc, 3, TestActor, null));
        Assert.Equal("Xabc", ExpectMsg<DocumentReplies.Fetched>().Snapshot!.Data);
    }

    [Fact]
    public void Snapshots_at_a_version_and_at_a_time_come_from_the_op_log()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "abc");
        long afterCreate = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Thread.Sleep(5);
        Submit(alice, "alice", 2, 1, Edit("""["X"]"""));

        _document.Tell(new DocumentCommands.FetchSnapshotAtVersion(_doc, 1, TestActor, 1));
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "abc"), ExpectMsg<DocumentReplies.SnapshotAt>().Snapshot);
        _document.Tell(new DocumentCommands.FetchSnapshotAtTime(_doc, 2, TestActor, afterCreate));
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "abc"), ExpectMsg<DocumentReplies.SnapshotAt>().Snapshot);
        _document.Tell(new DocumentCommands.FetchSnapshotAtVersion(_doc, 3, TestActor, -1));
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, ExpectMsg<DocumentReplies.Rejected>().Error.Code);
    }

    [Fact]
    public void Presence_made_at_an_older_version_is_moved_to_the_latest_before_it_is_published()
    {
        var alice = CreateTestProbe("alice");
        CreateDocument(alice, "hello");
        Submit(alice, "alice", 2, 1, Edit("""["12"]"""));

        JsonElement value = JsonDocument.Parse("""{"index":3,"length":2,"user":"bob"}""").RootElement.Clone();
        var presence = new PresenceMessage(_doc.PresenceChannel, "bob", "p1", value, 1, _doc.Collection, _doc.Id, 1,
            TextUnicodeType.Uri);
        _document.Tell(new DocumentCommands.PublishPresence(_doc, alice.Ref, presence));

        var published = _presence.ExpectMsg<PresenceCommands.Publish>();
        Assert.Equal(_doc.PresenceChannel, published.Channel);
        Assert.Equal(2, published.Presence.Version);
        Assert.Equal("""{"index":5,"length":2,"user":"bob"}""", published.Presence.Value!.Value.GetRawText());
    }
}
