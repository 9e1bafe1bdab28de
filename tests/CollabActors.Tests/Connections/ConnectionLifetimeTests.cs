using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit;
using CollabActors.Connections;
using CollabActors.Tests.Support;
using Xunit.Abstractions;

namespace CollabActors.Tests.Connections;

/// <summary>
/// How a connection ends, whichever of its halves ends first: the rules on their own (the halves played by calls and a
/// probe for the actor), then the actor and the receive loop over a loopback socket.
/// </summary>
public class ConnectionLifetimeTests : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Room for a loaded, shared 2-core machine on top of a timing bound.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(2500);

    private static readonly TimeSpan LongStopTimeout = TimeSpan.FromSeconds(30);

    private readonly TestProbe _actor;

    public ConnectionLifetimeTests(ITestOutputHelper output) : base(ActorTestConfig.Create("akka.loglevel = WARNING"), output: output)
    {
        _actor = CreateTestProbe("connection");
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan within) =>
        await Task.WhenAny(task, Task.Delay(within)) == task;

    [Fact]
    public async Task When_the_actor_stops_first_a_receive_loop_still_running_after_the_grace_is_cut()
    {
        var lifetime = new RecordingLifetime(LongStopTimeout);
        var clock = Stopwatch.StartNew();

        lifetime.ActorStopped();

        Assert.True(await CompletesWithinAsync(lifetime.FirstCut, ConnectionLifetime.ReceiveEndGrace + Slack), "never cut");
        Assert.True(clock.Elapsed >= ConnectionLifetime.ReceiveEndGrace - TimeSpan.FromMilliseconds(20),
            $"cut after {clock.Elapsed.TotalMilliseconds:0} ms, before the grace of {ConnectionLifetime.ReceiveEndGrace.TotalMilliseconds} ms");
        Assert.Equal(0, lifetime.Endings);

        // The cut ends the loop, and with both halves ended the connection is over, without waiting for anything more.
        Task over = lifetime.ReceiveEndedAsync(_actor.Ref).AsTask();
        Assert.True(over.IsCompletedSuccessfully);
        Assert.Equal((1, 1, 0), (lifetime.Cuts, lifetime.Endings, lifetime.StopTimeouts));
    }

    [Fact]
    public async Task When_the_actor_stops_first_a_receive_loop_that_ends_within_the_grace_is_not_cut()
    {
        var lifetime = new RecordingLifetime(LongStopTimeout);

        lifetime.ActorStopped();
        Task over = lifetime.ReceiveEndedAsync(_actor.Ref).AsTask(); // the loop read the client's close frame and returned

        Assert.True(over.IsCompletedSuccessfully);
        Assert.Equal(1, lifetime.Endings);
        await Task.Delay(ConnectionLifetime.ReceiveEndGrace * 3); // the grace's timer has fired and found the loop ended
        Assert.Equal(0, lifetime.Cuts);
    }

    [Fact]
    public async Task When_the_receive_loop_ends_first_the_connection_is_over_when_the_actor_stops()
    {
        var lifetime = new RecordingLifetime(LongStopTimeout);

        Task over = lifetime.ReceiveEndedAsync(_actor.Ref).AsTask(); // the client closed; the actor answers and stops
        await Task.Delay(ConnectionLifetime.ReceiveEndGrace * 2);
        Assert.False(over.IsCompleted, "the connection ended before its actor stopped");
        Assert.Equal(0, lifetime.Endings);

        lifetime.ActorStopped();

        Assert.True(await CompletesWithinAsync(over, Slack), "the actor's stop did not end the connection");
        Assert.Equal(1, lifetime.Endings);
        await Task.Delay(ConnectionLifetime.ReceiveEndGrace * 2);
        Assert.Equal((0, 0), (lifetime.Cuts, lifetime.StopTimeouts));
        Watch(_actor.Ref);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100)); // the actor was not told to stop: no Terminated
    }

    [Fact]
    public async Task When_the_receive_loop_ends_first_an_actor_that_does_not_stop_in_time_is_stopped_and_the_connection_cut()
    {
        TimeSpan stopTimeout = TimeSpan.FromMilliseconds(300);
        var lifetime = new RecordingLifetime(stopTimeout);
        Watch(_actor.Ref);
        var clock = Stopwatch.StartNew();

        Task over = lifetime.ReceiveEndedAsync(_actor.Ref).AsTask();

        Assert.True(await CompletesWithinAsync(over, stopTimeout + Slack), "the wait for the actor never gave up");
        Assert.True(clock.Elapsed >= stopTimeout - TimeSpan.FromMilliseconds(20), $"gave up after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal((1, 1, 1), (lifetime.StopTimeouts, lifetime.Cuts, lifetime.Endings));
        await ExpectTerminatedAsync(_actor.Ref); // told to stop (PoisonPill)
    }

    [Fact]
    public async Task Whichever_half_ends_first_the_connection_is_over_once_and_never_waits_for_an_actor_that_has_stopped()
    {
        // Both halves at once, from two threads released together many times: an actor's stop lost between the loop's
        // look and its wait would leave the loop waiting the whole stop timeout, and the actor told to stop again.
        const int rounds = 20_000;
        var lifetimes = new RecordingLifetime[rounds];
        var overs = new Task[rounds];
        for (int i = 0; i < rounds; i++) lifetimes[i] = new RecordingLifetime(LongStopTimeout);
        int arrived = 0;
        void ArriveTogether(int round)
        {
            // Spinning rather than a Barrier: both threads leave within nanoseconds of each other.
            Interlocked.Increment(ref arrived);
            var spin = new SpinWait();
            while (Volatile.Read(ref arrived) < 2 * (round + 1)) spin.SpinOnce(sleep1Threshold: -1);
        }
        var actorHalf = new Thread(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                ArriveTogether(i);
                lifetimes[i].ActorStopped();
            }
        });
        var receiveHalf = new Thread(() =>
        {
            for (int i = 0; i < rounds; i++)
            {
                ArriveTogether(i);
                overs[i] = lifetimes[i].ReceiveEndedAsync(_actor.Ref).AsTask();
            }
        });
        actorHalf.Start();
        receiveHalf.Start();
        actorHalf.Join();
        receiveHalf.Join();

        Assert.True(await CompletesWithinAsync(Task.WhenAll(overs), Slack), $"{overs.Count(o => !o.IsCompleted)} connections still waiting for a stopped actor");
        Assert.All(lifetimes, l => Assert.Equal((1, 0), (l.Endings, l.StopTimeouts)));
    }

    [Fact]
    public async Task A_connection_actor_that_stops_tells_its_lifetime_and_the_connection_ends()
    {
        // A stop timeout far beyond the bound below: the connection can only end in time if the actor's PostStop said so.
        var settings = new ConnectionSettings { CloseTimeout = LongStopTimeout };
        await using LoopbackConnection connection = await LoopbackConnection.StartAsync(Sys, settings, CreateTestProbe().Ref, CreateTestProbe().Ref);
        await connection.ReceiveJsonAsync(); // init: the actor and its loop are running

        Sys.Stop(connection.Actor);

        Assert.True(await CompletesWithinAsync(connection.Lifetime.Over, ConnectionLifetime.ReceiveEndGrace + Slack), "the connection did not end");
        Assert.Equal(0, connection.Lifetime.StopTimeouts);
    }

    [Fact]
    public async Task A_client_that_closes_ends_the_connection_once_its_actor_has_answered_and_stopped()
    {
        await using LoopbackConnection connection = await LoopbackConnection.StartAsync(Sys, ConnectionSettings.Default, CreateTestProbe().Ref, CreateTestProbe().Ref);
        await connection.ReceiveJsonAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await connection.Client.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", cts.Token); // answered by the actor

        Assert.True(await CompletesWithinAsync(connection.Lifetime.Over, Slack), "the connection did not end");
        Assert.True(connection.Stopped.IsCompleted || await CompletesWithinAsync(connection.Stopped, Slack));
        Assert.Equal((0, 0), (connection.Lifetime.Cuts, connection.Lifetime.StopTimeouts));
    }
}
