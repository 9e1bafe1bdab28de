using Akka.Actor;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabHost.Tests.Support;
using CollabText;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// Two live incarnations of one document, as the two sides of a network partition could hold for a moment when a
/// minority side stops its documents later than the majority starts them (docs/cluster.md, down-removal-margin):
/// the journal takes one write per version, so the second writer of a version fails before it acks anything, and
/// nothing acknowledged is lost.
/// </summary>
public sealed class OverlappingIncarnationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Only_one_of_two_incarnations_writes_a_version_and_the_acked_op_survives_the_others_resend(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        DocumentId doc = new("notes", "overlap-" + Guid.NewGuid().ToString("N")[..12]);
        IActorRef Incarnation() => system.ActorOf(DocumentActor.Props(doc, DocumentSettings.Default, system.DeadLetters));
        Inbox alice = Inbox.Create(system), bob = Inbox.Create(system), watcher = Inbox.Create(system);

        IActorRef majority = Incarnation();
        majority.Tell(new DocumentCommands.Submit(doc, 1, alice.Receiver, "alice", 1, null, new CreateChange(TextUnicodeType.Uri, "")));
        Assert.Equal(0, Assert.IsType<DocumentReplies.Acknowledged>(await alice.ReceiveAsync(Patience)).Version);

        // The other side's incarnation has read the journal up to the same version.
        IActorRef minority = Incarnation();
        minority.Tell(new DocumentCommands.Fetch(doc, 2, bob.Receiver, null));
        Assert.Equal(1, Assert.IsType<DocumentReplies.Fetched>(await bob.ReceiveAsync(Patience)).Snapshot!.Version);
        watcher.Watch(minority);

        // Both take an op at version 1; the majority writes it first and acks.
        majority.Tell(new DocumentCommands.Submit(doc, 3, alice.Receiver, "alice", 2, 1, new EditChange(TextOp.InsertAt(0, "A"))));
        Assert.Equal(1, Assert.IsType<DocumentReplies.Acknowledged>(await alice.ReceiveAsync(Patience)).Version);
        minority.Tell(new DocumentCommands.Submit(doc, 4, bob.Receiver, "bob", 1, 1, new EditChange(TextOp.InsertAt(0, "B"))));

        // The minority's write of version 1 is refused by the journal: it stops, and bob hears no ack.
        Assert.IsType<Terminated>(await watcher.ReceiveAsync(Patience));
        Exception? heard = await Record.ExceptionAsync(() => bob.ReceiveAsync(TimeSpan.FromMilliseconds(300)));
        // The inbox's deadline, as the timeout itself or wrapped by its task: either way no answer came.
        Assert.IsType<TimeoutException>(heard is AggregateException wrapped ? wrapped.InnerException : heard);
        watcher.Watch(majority);
        system.Stop(majority);
        Assert.IsType<Terminated>(await watcher.ReceiveAsync(Patience));

        // The next incarnation has alice's op; bob's resend (same src and seq, from his next connection) goes on top
        // of it, once.
        IActorRef next = Incarnation();
        Inbox bobAgain = Inbox.Create(system);
        next.Tell(new DocumentCommands.Submit(doc, 5, bobAgain.Receiver, "bob", 1, 1, new EditChange(TextOp.InsertAt(0, "B"))));
        Assert.Equal(2, Assert.IsType<DocumentReplies.Acknowledged>(await bobAgain.ReceiveAsync(Patience)).Version);
        next.Tell(new DocumentCommands.Fetch(doc, 6, bobAgain.Receiver, null));
        var fetched = Assert.IsType<DocumentReplies.Fetched>(await bobAgain.ReceiveAsync(Patience));
        Assert.Equal((3L, "BA"), (fetched.Snapshot!.Version, fetched.Snapshot.Data));
    }
}
