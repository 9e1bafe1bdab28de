using Akka.Actor;

namespace CollabActors.Connections;

/// <summary>
/// How one connection ends, told by its two halves: the <see cref="ConnectionActor"/> when it has stopped (it closed or
/// aborted the socket) and the <see cref="WebSocketReceiveLoop"/> when it has ended. Whichever comes first decides what
/// follows:
/// <list type="bullet">
/// <item>The actor first (heartbeat timeout, slow consumer, close timeout, a closing handshake it finished): the receive
/// loop gets <see cref="ReceiveEndGrace"/> to end by itself, then the TCP connection is cut (<see cref="Cut"/>).</item>
/// <item>The receive loop first (the client closed or left): the actor gets <see cref="StopTimeout"/> to close the
/// socket and stop; then it is told to stop, and the TCP connection is cut.</item>
/// </list>
/// The connection is over when both have ended, or the wait for the actor gave up (<see cref="Ended"/>). What cutting
/// means, how long to wait and what to give back belong to whoever accepted the socket.
/// </summary>
/// <remarks>
/// One small object per connection, signalled by both halves, in place of a task the actor completes and a state
/// machine waiting on both: the wait after the loop's end runs in the loop's own state machine, so a quiet connection
/// holds one pending state machine of ours (its receive; the platform's socket and stream below it have theirs) and
/// this, and the grace timer exists only once the actor has stopped.
/// </remarks>
public abstract class ConnectionLifetime
{
    /// <summary>
    /// How long a receive loop whose actor has stopped may take to end by itself before the TCP connection is cut.
    /// Aborting the socket does not wake a read pending on the connection's stream, hence the cut. But not at once: after
    /// the client's close frame the loop tells the actor and returns, and on a busy machine the actor can answer and stop
    /// before the loop has ended. Cut then, the connection lost the close reply still in the server's output and the
    /// client saw a reset instead of the closing handshake (ConnectionLifecycleTests, now and then in CI).
    /// </summary>
    public static readonly TimeSpan ReceiveEndGrace = TimeSpan.FromMilliseconds(200);

    private const int ActorStoppedBit = 1;
    private const int ReceiveEndedBit = 2;

    /// <summary>Which halves have ended (the bits above); each is set once, by its half.</summary>
    private int _ended;

    /// <summary>Made when the receive loop ends while the actor runs: completed when the actor stops.</summary>
    private TaskCompletionSource? _actorStopped;

    /// <summary>How long the actor may take to stop once the receive loop has ended, before it is stopped and the TCP connection cut.</summary>
    protected abstract TimeSpan StopTimeout { get; }

    /// <summary>Cuts the TCP connection under the socket, which ends a read pending on it. Must not throw.</summary>
    protected abstract void Cut();

    /// <summary>The actor did not stop within <see cref="StopTimeout"/> of the receive loop's end: it is told to stop, and the connection cut, after this.</summary>
    protected virtual void StopTimedOut(IActorRef connection)
    {
    }

    /// <summary>Both halves have ended, or the wait for the actor gave up: what the connection held can be given back. Called once.</summary>
    protected virtual void Ended()
    {
    }

    /// <summary>The actor has stopped (from its <c>PostStop</c>). Never blocks: it runs on the actor's thread.</summary>
    public void ActorStopped()
    {
        int before = Interlocked.Or(ref _ended, ActorStoppedBit);
        if ((before & ActorStoppedBit) != 0) return; // a restart's PostStop, then the last one
        if ((before & ReceiveEndedBit) != 0)
        {
            // The receive loop ended first and published its wait before it set its bit.
            Volatile.Read(ref _actorStopped)!.TrySetResult();
            return;
        }
        Task.Delay(ReceiveEndGrace).ContinueWith(
            static (_, lifetime) => ((ConnectionLifetime)lifetime!).OnGraceOver(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// The receive loop has ended (it has told the actor why). Completes when the connection is over: at once if the
    /// actor has stopped, otherwise when it stops, or after <see cref="StopTimeout"/> with the actor told to stop and
    /// the TCP connection cut. A <see cref="ValueTask"/>: awaited in the receive loop's state machine, it shares the
    /// awaiter field of the loop's other <see cref="ValueTask"/>, a field less in every quiet connection.
    /// </summary>
    public async ValueTask ReceiveEndedAsync(IActorRef connection)
    {
        TaskCompletionSource? stopped = null;
        if ((Volatile.Read(ref _ended) & ActorStoppedBit) == 0)
        {
            // Published before this half's bit is set, so an actor that stops after the bit finds it.
            stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _actorStopped, stopped);
        }
        bool actorRuns = (Interlocked.Or(ref _ended, ReceiveEndedBit) & ActorStoppedBit) == 0;
        if (actorRuns && await Task.WhenAny(stopped!.Task, Task.Delay(StopTimeout)).ConfigureAwait(false) != stopped.Task)
        {
            StopTimedOut(connection);
            connection.Tell(PoisonPill.Instance);
            Cut();
        }
        Ended();
    }

    private void OnGraceOver()
    {
        if ((Volatile.Read(ref _ended) & ReceiveEndedBit) == 0) Cut();
    }
}
