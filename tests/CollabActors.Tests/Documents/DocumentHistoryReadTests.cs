using Akka.Actor;
using Akka.TestKit;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Protocol;
using CollabActors.Tests.Support;
using CollabText;
using Xunit.Abstractions;

namespace CollabActors.Tests.Documents;

/// <summary>
/// Reads of a document's past that reach behind its in-memory op log go to the journal: a read at a time stops soon
/// after the time however long the history after it, and a document runs only a few such reads at once, queueing
/// the rest in order and refusing what does not fit in line.
/// </summary>
public sealed class DocumentHistoryReadTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private readonly DocumentId _doc = new("docs", "h-" + Guid.NewGuid().ToString("N"));
    private long _nextRequestId;

    public DocumentHistoryReadTests(ITestOutputHelper output) : base(ActorTestConfig.Create(Config), output: output)
    {
        NodeFanoutSetup.StartOn(Sys);
    }

    /// <summary>
    /// A document of <paramref name="opsBefore"/> ops ("0".."n" prepended one by one), then a moment, then
    /// <paramref name="opsAfter"/> more; returns a time between the two groups. The op log keeps only a few ops, so
    /// every read of the past goes to the journal.
    /// </summary>
    private (IActorRef Document, long Between) DocumentWithHistory(DocumentSettings settings, int opsBefore, int opsAfter)
    {
        IActorRef document = Sys.ActorOf(DocumentActor.Props(_doc, settings, CreateTestProbe().Ref));
        TestProbe author = CreateTestProbe();
        document.Tell(new DocumentCommands.Submit(_doc, ++_nextRequestId, author.Ref, "a", 1, 0, new CreateChange(TextUnicodeType.Uri, "")));
        author.ExpectMsg<DocumentReplies.Acknowledged>();
        long between = 0;
        for (int i = 0; i < opsBefore + opsAfter; i++)
        {
            if (i == opsBefore)
            {
                Thread.Sleep(20);
                between = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                Thread.Sleep(20);
            }
            document.Tell(new DocumentCommands.Submit(_doc, ++_nextRequestId, author.Ref, "a", i + 2, i + 1, new EditChange(TextOp.InsertAt(0, "x"))));
            author.ExpectMsg<DocumentReplies.Acknowledged>();
        }
        return (document, between);
    }

    [Fact]
    public void A_snapshot_at_an_early_time_of_a_long_history_is_the_document_as_it_was_then()
    {
        var settings = DocumentSettings.Default with { OpLogCapacity = 4, SnapshotEvery = 10_000 };
        int after = DocumentHistoryReader.TimeReplayMaxChunk * 3 + 17;
        (IActorRef document, long between) = DocumentWithHistory(settings, opsBefore: 7, opsAfter: after);

        document.Tell(new DocumentCommands.FetchSnapshotAtTime(_doc, ++_nextRequestId, TestActor, between));
        WireSnapshot then = ExpectMsg<DocumentReplies.SnapshotAt>().Snapshot;

        // Created at version 1, seven inserts: version 8, seven x's.
        Assert.Equal(new WireSnapshot(8, TextUnicodeType.Uri, new string('x', 7)), then);
        // And a time after everything reads the whole history, chunk by chunk.
        document.Tell(new DocumentCommands.FetchSnapshotAtTime(_doc, ++_nextRequestId, TestActor, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000));
        Assert.Equal(new WireSnapshot(8 + after, TextUnicodeType.Uri, new string('x', 7 + after)), ExpectMsg<DocumentReplies.SnapshotAt>().Snapshot);
    }

    [Fact]
    public void A_read_at_a_time_asks_the_journal_for_a_few_ops_first_then_twice_as_many_each_time_up_to_the_most()
    {
        var chunks = new List<int>();
        for (int chunk = 0, i = 0; i < 10; i++) chunks.Add(chunk = DocumentHistoryReader.TimeReplayChunkAfter(chunk));

        Assert.Equal([16, 32, 64, 128, 200, 200, 200, 200, 200, 200], chunks);
        Assert.Equal(DocumentHistoryReader.TimeReplayFirstChunk, chunks[0]);
        Assert.Equal(DocumentHistoryReader.TimeReplayMaxChunk, chunks[^1]);
    }

    [Fact]
    public void Many_reads_at_once_wait_in_line_and_all_get_their_answer()
    {
        var settings = DocumentSettings.Default with { OpLogCapacity = 4, SnapshotEvery = 10_000, MaxConcurrentHistoryReads = 1 };
        (IActorRef document, long between) = DocumentWithHistory(settings, opsBefore: 3, opsAfter: 40);

        var asked = Enumerable.Range(0, 12).Select(_ => ++_nextRequestId).ToList();
        foreach (long requestId in asked) document.Tell(new DocumentCommands.FetchSnapshotAtTime(_doc, requestId, TestActor, between));

        var answers = Enumerable.Range(0, asked.Count).Select(_ => ExpectMsg<DocumentReplies.SnapshotAt>()).ToList();
        Assert.Equal(asked, answers.Select(a => a.RequestId)); // in the order asked
        Assert.All(answers, a => Assert.Equal(new WireSnapshot(4, TextUnicodeType.Uri, "xxx"), a.Snapshot));
    }

    [Fact]
    public void A_read_that_does_not_fit_in_line_is_refused_with_a_clear_error_and_the_others_are_answered()
    {
        var settings = DocumentSettings.Default with
        {
            OpLogCapacity = 4, SnapshotEvery = 10_000, MaxConcurrentHistoryReads = 1, MaxQueuedHistoryReads = 1,
        };
        (IActorRef document, long between) = DocumentWithHistory(settings, opsBefore: 3, opsAfter: 40);

        // Told together: the first runs, the second waits, the third finds the line full (the first read needs the
        // snapshot store and the journal before it can answer, long after these three are in the mailbox).
        for (int i = 0; i < 3; i++) document.Tell(new DocumentCommands.FetchSnapshotAtTime(_doc, 100 + i, TestActor, between));

        var replies = Enumerable.Range(0, 3).Select(_ => ExpectMsg<DocumentReplies.IDocumentReply>()).ToList();
        var refused = Assert.IsType<DocumentReplies.Rejected>(Assert.Single(replies, r => r is DocumentReplies.Rejected));
        Assert.Equal((102L, ProtocolErrorCodes.SnapshotUnavailable), (refused.RequestId, refused.Error.Code));
        Assert.Contains("waiting", refused.Error.Message);
        Assert.Equal(2, replies.OfType<DocumentReplies.SnapshotAt>().Count());
    }
}
