using Akka.Actor;
using Akka.TestKit;
using CollabActors.Scheduling;
using CollabActors.Tests.Support;

namespace CollabActors.Tests.Scheduling;

/// <summary>The scheduler under an actor system: scheduled Tells, actor timers and receive timeouts arrive as they do with Akka's own.</summary>
public sealed class DueTimeSchedulerActorTests() : Akka.TestKit.Xunit2.TestKit(ActorTestConfig.Create("akka.actor.serialize-messages = off"))
{
    [Fact]
    public void The_actor_system_runs_on_it()
    {
        Assert.IsType<DueTimeScheduler>(Sys.Scheduler);
    }

    [Fact]
    public void A_scheduled_tell_arrives_as_the_message_itself_from_the_given_sender()
    {
        TestProbe sender = CreateTestProbe();

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), TestActor, "due", sender.Ref);

        ExpectMsg("due");
        Assert.Equal(sender.Ref, LastSender);
    }

    [Fact]
    public void Actor_timers_and_receive_timeouts_fire()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimedActor(TestActor)));

        ExpectMsg("single");
        ExpectMsg("periodic");
        ExpectMsg("periodic");
        actor.Tell("stop-periodic");
        // A periodic message already on its way may still arrive first.
        FishForMessage(m => m is "receive-timeout", TimeSpan.FromSeconds(5));
    }

    private sealed class TimedActor : UntypedActor, IWithTimers
    {
        private readonly IActorRef _report;

        public TimedActor(IActorRef report) => _report = report;

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            Timers.StartSingleTimer("single", "single", TimeSpan.FromMilliseconds(30));
            Timers.StartPeriodicTimer("periodic", "periodic", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
        }

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "stop-periodic":
                    Timers.Cancel("periodic");
                    Context.SetReceiveTimeout(TimeSpan.FromMilliseconds(300));
                    break;
                case ReceiveTimeout:
                    Context.SetReceiveTimeout(null);
                    _report.Tell("receive-timeout");
                    break;
                case string s:
                    _report.Tell(s);
                    break;
            }
        }
    }
}
