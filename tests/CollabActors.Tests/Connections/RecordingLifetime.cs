using Akka.Actor;
using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

/// <summary>
/// A <see cref="ConnectionLifetime"/> that records what it was asked to do (cut the connection, give up on the actor,
/// end) and, to cut, runs <paramref name="cut"/> when given one (a loopback connection closes its server socket).
/// </summary>
internal sealed class RecordingLifetime(TimeSpan stopTimeout, Action? cut = null) : ConnectionLifetime
{
    private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _cuts;
    private int _stopTimeouts;
    private int _endings;

    /// <summary>Completes at the first cut.</summary>
    public Task FirstCut => _cut.Task;

    /// <summary>Completes when the connection is over (both halves ended, or the wait for the actor gave up).</summary>
    public Task Over => _ended.Task;

    public int Cuts => Volatile.Read(ref _cuts);

    public int StopTimeouts => Volatile.Read(ref _stopTimeouts);

    public int Endings => Volatile.Read(ref _endings);

    protected override TimeSpan StopTimeout => stopTimeout;

    protected override void Cut()
    {
        Interlocked.Increment(ref _cuts);
        cut?.Invoke();
        _cut.TrySetResult();
    }

    protected override void StopTimedOut(IActorRef connection) => Interlocked.Increment(ref _stopTimeouts);

    protected override void Ended()
    {
        Interlocked.Increment(ref _endings);
        _ended.TrySetResult();
    }
}
