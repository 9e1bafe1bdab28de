using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.TestKit;
using CollabActors.Connections;
using CollabActors.Tests.Support;

namespace CollabActors.Tests.Connections;

/// <summary>The node's heartbeat clock: messages told after their delay, never before it, to actors that are still there.</summary>
public sealed class HeartbeatWheelTests() : Akka.TestKit.Xunit2.TestKit(ActorTestConfig.Create("akka.actor.serialize-messages = off"))
{
    private HeartbeatWheel Wheel => HeartbeatWheel.For(Sys);

    [Fact]
    public void One_wheel_serves_the_whole_actor_system()
    {
        Assert.Same(HeartbeatWheel.For(Sys), HeartbeatWheel.For(Sys));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(80)]
    [InlineData(400)]
    [InlineData(2500)] // a bucket of a second's width: still not early
    public void A_message_arrives_once_its_delay_has_passed_and_not_before(int delayMs)
    {
        var clock = Stopwatch.StartNew();

        Wheel.Tell(TestActor, "due", TimeSpan.FromMilliseconds(delayMs));

        ExpectMsg("due", TimeSpan.FromMilliseconds(delayMs) + TimeSpan.FromSeconds(3));
        Assert.True(clock.ElapsedMilliseconds >= delayMs, $"arrived after {clock.ElapsedMilliseconds} ms, before its {delayMs} ms");
        Assert.True(LastSender.IsNobody(), $"sent by {LastSender}");
    }

    [Fact]
    public void Messages_arrive_in_the_order_they_are_due_not_the_order_they_were_told()
    {
        Wheel.Tell(TestActor, "third", TimeSpan.FromMilliseconds(600));
        Wheel.Tell(TestActor, "first", TimeSpan.FromMilliseconds(100));
        Wheel.Tell(TestActor, "second", TimeSpan.FromMilliseconds(350));

        ExpectMsg("first", TimeSpan.FromSeconds(3));
        ExpectMsg("second", TimeSpan.FromSeconds(3));
        ExpectMsg("third", TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_sooner_message_told_after_a_later_one_is_not_held_back_by_it()
    {
        Wheel.Tell(TestActor, "late", TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();

        Wheel.Tell(TestActor, "soon", TimeSpan.FromMilliseconds(100));

        ExpectMsg("soon", TimeSpan.FromSeconds(3));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"arrived after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Every_message_of_a_shared_bucket_reaches_its_own_actor()
    {
        const int actors = 200;
        TestProbe[] probes = Enumerable.Range(0, actors).Select(_ => CreateTestProbe()).ToArray();

        for (int i = 0; i < actors; i++) Wheel.Tell(probes[i].Ref, i, TimeSpan.FromMilliseconds(300));

        for (int i = 0; i < actors; i++) probes[i].ExpectMsg(i, TimeSpan.FromSeconds(3));
        AwaitCondition(() => Wheel.Pending == 0, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_message_for_an_actor_that_has_stopped_is_dropped_without_a_dead_letter()
    {
        TestProbe deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        TestProbe gone = CreateTestProbe();
        Watch(gone.Ref);

        Wheel.Tell(gone.Ref, "for-the-gone", TimeSpan.FromMilliseconds(200));
        Wheel.Tell(TestActor, "for-the-living", TimeSpan.FromMilliseconds(300));
        Sys.Stop(gone.Ref);
        ExpectTerminated(gone.Ref);

        ExpectMsg("for-the-living", TimeSpan.FromSeconds(3));
        deadLetters.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Messages_told_while_a_bucket_is_being_delivered_still_arrive()
    {
        // An actor that asks for its next message from the wheel as it gets one: a connection's ping chain.
        IActorRef chain = Sys.ActorOf(Props.Create(() => new Rearming(TestActor, 5)));

        chain.Tell(0);

        for (int i = 1; i <= 5; i++) ExpectMsg(i, TimeSpan.FromSeconds(3));
    }

    private sealed class Rearming(IActorRef report, int times) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            var n = (int)message;
            if (n > 0) report.Tell(n);
            if (n < times) HeartbeatWheel.For(Context.System).Tell(Self, n + 1, TimeSpan.FromMilliseconds(50));
        }
    }
}
