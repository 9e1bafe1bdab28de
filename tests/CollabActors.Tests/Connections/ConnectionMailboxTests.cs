using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Akka.TestKit.Xunit2;
using CollabActors.Connections;
using CollabActors.Tests.Support;

namespace CollabActors.Tests.Connections;

/// <summary>The connection actors' mailbox: first in, first out, nothing lost under concurrent senders, and in use.</summary>
public sealed class ConnectionMailboxTests() : TestKit(ActorTestConfig.Create("akka.actor.serialize-messages = off"))
{
    [Fact]
    public void Messages_come_out_in_the_order_they_went_in()
    {
        var queue = new ConnectionMailbox.Queue();
        Assert.False(queue.HasMessages);
        for (int i = 0; i < 100; i++) queue.Enqueue(ActorRefs.Nobody, new Envelope(i, ActorRefs.NoSender));
        Assert.Equal(100, queue.Count);

        var seen = new List<object>();
        while (queue.TryDequeue(out Envelope envelope)) seen.Add(envelope.Message);

        Assert.Equal(Enumerable.Range(0, 100).Cast<object>(), seen);
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Concurrent_senders_lose_nothing_and_each_senders_messages_stay_in_order()
    {
        var queue = new ConnectionMailbox.Queue();
        const int senders = 4, each = 5_000;
        var received = new List<(int Sender, int Seq)>();
        Task[] sending = Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (int i = 0; i < each; i++) queue.Enqueue(ActorRefs.Nobody, new Envelope((s, i), ActorRefs.NoSender));
        })).ToArray();
        // One reader at a time, as the mailbox runs it, while the senders are still sending.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        Task reading = Task.Run(() =>
        {
            while (received.Count < senders * each && DateTime.UtcNow < deadline)
            {
                if (queue.TryDequeue(out Envelope envelope)) received.Add(((int, int))envelope.Message);
            }
        });
        await Task.WhenAll(sending);
        await reading;

        Assert.Equal(senders * each, received.Count);
        foreach (var bySender in received.GroupBy(r => r.Sender))
        {
            Assert.Equal(Enumerable.Range(0, each), bySender.Select(r => r.Seq));
        }
    }

    [Fact]
    public void What_is_left_when_the_actor_stops_goes_to_dead_letters()
    {
        var queue = new ConnectionMailbox.Queue();
        var deadLetters = new UnboundedMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, new Envelope("one", ActorRefs.NoSender));
        queue.Enqueue(ActorRefs.Nobody, new Envelope("two", ActorRefs.NoSender));

        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.HasMessages);
        Assert.Equal(2, deadLetters.Count);
    }

    [Fact]
    public void Connection_actors_ask_for_it_and_the_configuration_declares_it()
    {
        Props props = ConnectionActor.Props(null!, null!, "c", ConnectionSettings.Default, ActorRefs.Nobody, ActorRefs.Nobody,
            new RecordingLifetime(TimeSpan.FromSeconds(1)));

        Assert.Equal(ConnectionMailbox.ConfigPath, props.Mailbox);
        Assert.IsType<ConnectionMailbox>(Sys.Mailboxes.Lookup(props.Mailbox));
    }
}
