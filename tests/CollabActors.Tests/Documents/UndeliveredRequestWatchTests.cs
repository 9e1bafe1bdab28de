using Akka.Actor;
using Akka.TestKit;
using CollabActors.Documents;
using CollabActors.Tests.Support;
using Xunit.Abstractions;

namespace CollabActors.Tests.Documents;

/// <summary>
/// A document request that ends in the sender's dead letters is reported to the connection that sent it, so it can
/// send it again rather than wait out its reply timeout; over Akka.Remote too, when the node it went to is gone.
/// </summary>
public sealed class UndeliveredRequestWatchTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DocumentId Doc = new("docs", "moving");

    public UndeliveredRequestWatchTests(ITestOutputHelper output) : base(ActorTestConfig.Create(ActorTestConfig.RemoteNode), "node-a", output)
    {
        Sys.ActorOf(UndeliveredRequestWatch.Props(), UndeliveredRequestWatch.Name);
    }

    [Fact]
    public void A_request_to_a_stopped_document_is_reported_to_its_connection_with_its_request_id()
    {
        TestProbe connection = CreateTestProbe();
        IActorRef document = Sys.ActorOf(Props.Empty);
        Watch(document);
        Sys.Stop(document);
        ExpectTerminated(document);

        document.Tell(new DocumentCommands.Fetch(Doc, 7, connection.Ref, null));

        Assert.Equal(7, connection.ExpectMsg<DocumentRequestUndelivered>().RequestId);
    }

    [Fact]
    public async Task A_request_sent_to_a_node_that_is_gone_is_reported_to_its_connection()
    {
        ActorSystem nodeB = ActorSystem.Create("node-b", ActorTestConfig.Create(ActorTestConfig.RemoteNode));
        IActorRef onB = nodeB.ActorOf(Props.Empty, "document");
        Address addressB = ((ExtendedActorSystem)nodeB).Provider.DefaultAddress;
        IActorRef seenFromA = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(onB.Path.ToSerializationFormatWithAddress(addressB));
        TestProbe connection = CreateTestProbe();
        // A first request over a live association, then node B goes away.
        seenFromA.Tell(new DocumentCommands.Fetch(Doc, 1, connection.Ref, null));
        connection.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        await nodeB.Terminate();

        // Until remoting has noticed, a send may still go into the dying connection; once it has, sends are dead letters.
        DocumentRequestUndelivered? undelivered = null;
        for (int attempt = 2; attempt < 40 && undelivered is null; attempt++)
        {
            seenFromA.Tell(new DocumentCommands.Fetch(Doc, attempt, connection.Ref, null));
            undelivered = connection.ReceiveOne(TimeSpan.FromMilliseconds(500)) as DocumentRequestUndelivered;
        }

        Assert.NotNull(undelivered);
        Assert.InRange(undelivered.RequestId, 1, 40);
    }
}
