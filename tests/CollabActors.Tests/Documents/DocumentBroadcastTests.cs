using Akka.Actor;
using Akka.TestKit.Xunit2;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Protocol;
using CollabActors.Tests.Support;
using CollabText;

namespace CollabActors.Tests.Documents;

/// <summary>
/// Subscribers on one node share one prepared frame, built by that node's fan-out from the one message the document
/// sent it (CrossNodeFanoutTests counts the same across three nodes).
/// </summary>
public class DocumentBroadcastTests() : TestKit(ActorTestConfig.Create("akka.actor.serialize-messages = off"))
{
    private static readonly DocumentId Doc = new("docs", "big-room");

    [Fact]
    public void A_broadcast_is_serialized_once_per_encoding_however_many_subscribers()
    {
        NodeFanoutSetup.StartOn(Sys);
        IActorRef document = Sys.ActorOf(DocumentActor.Props(Doc, DocumentSettings.Default, CreateTestProbe().Ref));
        var author = CreateTestProbe();
        document.Tell(new DocumentCommands.Submit(Doc, 1, author.Ref, "author", 1, null, new CreateChange(TextUnicodeType.Uri, "")));
        author.ExpectMsg<DocumentReplies.Acknowledged>();

        var subscribers = Enumerable.Range(0, 200).Select(_ => CreateTestProbe()).ToArray();
        foreach (var subscriber in subscribers)
        {
            document.Tell(new DocumentCommands.Subscribe(Doc, 1, subscriber.Ref, null));
            subscriber.ExpectMsg<DocumentReplies.Fetched>();
        }

        document.Tell(new DocumentCommands.Submit(Doc, 2, author.Ref, "author", 2, 1, new EditChange(TextOp.InsertAt(0, "hi"))));
        author.ExpectMsg<DocumentReplies.Acknowledged>();
        var frames = subscribers.Select(s => s.ExpectMsg<DocumentReplies.OpPublished>().Frame).ToArray();

        // Every subscriber's connection takes its bytes from the same prepared message, concurrently.
        Parallel.ForEach(frames, frame => frame.BytesFor(WireEncoding.Json));
        Parallel.ForEach(frames, frame => frame.BytesFor(WireEncoding.MessagePack));

        Assert.All(frames, frame => Assert.Same(frames[0], frame));
        Assert.Equal(2, frames[0].Encodings);
    }
}
