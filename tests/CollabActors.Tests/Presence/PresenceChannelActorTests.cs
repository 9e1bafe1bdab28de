using Akka.Actor;
using Akka.TestKit;
using CollabActors.Presence;
using CollabActors.Tests.Support;

namespace CollabActors.Tests.Presence;

/// <summary>
/// A presence channel (one incarnation of the sharding entity, started directly here): who it takes on, and that it
/// says so, so a subscriber can watch the incarnation that holds its subscription.
/// </summary>
public class PresenceChannelActorTests : Akka.TestKit.Xunit2.TestKit
{
    public PresenceChannelActorTests() : base(ActorTestConfig.Create("akka.loglevel = WARNING"))
    {
    }

    [Fact]
    public async Task A_subscriber_is_told_it_was_taken_on_by_this_incarnation_of_the_channel()
    {
        IActorRef channel = Sys.ActorOf(PresenceChannelActor.Props("docs.d1"));
        TestProbe subscriber = CreateTestProbe();

        channel.Tell(new PresenceCommands.Subscribe("docs.d1", subscriber.Ref, "client-1"));

        Assert.Equal("docs.d1", (await subscriber.ExpectMsgAsync<PresenceReplies.Subscribed>()).Channel);
        Assert.Equal(channel, subscriber.LastSender);
    }

    [Fact]
    public async Task Subscribing_twice_is_answered_twice_and_counted_once()
    {
        IActorRef channel = Sys.ActorOf(PresenceChannelActor.Props("docs.d1"));
        TestProbe subscriber = CreateTestProbe();

        channel.Tell(new PresenceCommands.Subscribe("docs.d1", subscriber.Ref, "client-1"));
        channel.Tell(new PresenceCommands.Subscribe("docs.d1", subscriber.Ref, "client-1"));
        await subscriber.ExpectMsgAsync<PresenceReplies.Subscribed>();
        await subscriber.ExpectMsgAsync<PresenceReplies.Subscribed>();

        channel.Tell(new PresenceCommands.GetStatus("docs.d1"), TestActor);
        Assert.Equal(1, (await ExpectMsgAsync<PresenceReplies.ChannelStatus>()).Subscribers);
    }
}
