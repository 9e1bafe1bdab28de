using System.Diagnostics;
using Akka.Actor;

namespace CollabActors.Connections;

/// <summary>
/// One node's clock for its connections' heartbeats: tells an actor a message after a delay, with the due times of
/// every connection of the node gathered into shared buckets. A connection's ping and its pong check are two of the
/// few timers every socket keeps for its whole life; as Akka timers (<see cref="IWithTimers"/>) each costs a timer, its
/// message wrapper, a cancelable and the scheduler's own entry, about 350 bytes for a quiet connection
/// (docs/benchmarks.md, "What an idle connection holds"). Here it costs one slot in a bucket's list.
/// </summary>
/// <remarks>
/// A delay is rounded up to its bucket, never down, so a message is never early and is late by at most an eighth of
/// its delay (between 10 ms and a second) plus the scheduler's tick: a 30 s ping goes out within a second of its
/// time, a 200 ms pong check in a test within 25 ms. One scheduler timer is armed, for the earliest bucket. Nothing is
/// cancelled: a message whose actor has stopped is dropped when its bucket comes due, and an actor that no longer
/// wants one ignores it (a tick after closing, a check answered since).
/// </remarks>
public sealed class HeartbeatWheel : IExtension
{
    private const long FinestBucketMs = 10;
    private const long CoarsestBucketMs = 1000;

    private readonly IScheduler _scheduler;
    private readonly object _lock = new();
    // Bucket time (ms on Clock) → the messages due then. A list per bucket, not an object per message.
    private readonly Dictionary<long, List<Due>> _buckets = new();
    private readonly PriorityQueue<long, long> _bucketTimes = new();
    private readonly Stack<List<Due>> _spareLists = new();
    // The time the scheduler timer is armed for, or long.MaxValue when none is.
    private long _armedFor = long.MaxValue;
    private long _pending;

    public HeartbeatWheel(IScheduler scheduler) => _scheduler = scheduler;

    public static HeartbeatWheel For(ActorSystem system) => system.WithExtension<HeartbeatWheel, Provider>();

    /// <summary>Messages waiting, including those of actors that have stopped since; for tests.</summary>
    public long Pending
    {
        get
        {
            lock (_lock) return _pending;
        }
    }

    /// <summary>Tells <paramref name="target"/> <paramref name="message"/> (with no sender) once <paramref name="delay"/> has passed.</summary>
    public void Tell(IActorRef target, object message, TimeSpan delay)
    {
        long delayMs = Math.Max(0, (long)Math.Ceiling(delay.TotalMilliseconds));
        long width = Math.Clamp(delayMs / 8, FinestBucketMs, CoarsestBucketMs);
        long due = Now + delayMs;
        long bucket = (due + width - 1) / width * width;
        bool arm;
        lock (_lock)
        {
            if (!_buckets.TryGetValue(bucket, out List<Due>? dues))
            {
                dues = _spareLists.TryPop(out List<Due>? spare) ? spare : new List<Due>();
                _buckets.Add(bucket, dues);
                _bucketTimes.Enqueue(bucket, bucket);
            }
            dues.Add(new Due(target, message));
            _pending++;
            arm = bucket < _armedFor;
            if (arm) _armedFor = bucket;
        }
        if (arm) Arm(bucket);
    }

    private static long Now => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;

    private void Arm(long bucket)
    {
        try
        {
            _scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(Math.Max(0, bucket - Now)), () => Run(bucket));
        }
        catch (SchedulerException)
        {
            // The actor system is shutting down: its actors stop, and no one waits for a heartbeat any more.
        }
    }

    private void Run(long armedFor)
    {
        lock (_lock)
        {
            // This timer has fired; one armed since for a sooner bucket stays armed.
            if (armedFor == _armedFor) _armedFor = long.MaxValue;
        }
        while (true)
        {
            List<Due>? due = null;
            long next;
            lock (_lock)
            {
                long now = Now;
                if (_bucketTimes.TryPeek(out long bucket, out _) && bucket <= now)
                {
                    _bucketTimes.Dequeue();
                    _buckets.Remove(bucket, out due);
                    _pending -= due!.Count;
                }
                next = _bucketTimes.TryPeek(out long earliest, out _) ? earliest : long.MaxValue;
                if (due is null)
                {
                    // Nothing more is due: arm for the next bucket, unless a timer is armed for it or sooner.
                    if (next >= _armedFor) return;
                    _armedFor = next;
                }
            }
            if (due is null)
            {
                Arm(next);
                return;
            }
            // Told outside the lock: a Tell is an enqueue, but connections add their next heartbeat from their own threads meanwhile.
            foreach (Due message in due)
            {
                // Obsolete for actors, which should watch; the wheel is no actor, and watching each of a node's
                // connections to forget its entries would cost more than the entries.
#pragma warning disable CS0618
                if (message.Target is IInternalActorRef { IsTerminated: true }) continue;
#pragma warning restore CS0618
                message.Target.Tell(message.Message, ActorRefs.NoSender);
            }
            due.Clear();
            lock (_lock) _spareLists.Push(due);
        }
    }

    private readonly record struct Due(IActorRef Target, object Message);

    private sealed class Provider : ExtensionIdProvider<HeartbeatWheel>
    {
        public override HeartbeatWheel CreateExtension(ExtendedActorSystem system) => new(system.Scheduler);
    }
}
