using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace CollabActors.Scheduling;

/// <summary>
/// Akka's scheduler (timers, heartbeats, gossip, timeouts) on one thread that sleeps until the next timer is due.
/// Akka's own, a hashed wheel, wakes every <c>akka.scheduler.tick-duration</c> (10 ms) whether anything is due or
/// not: a hundred wake-ups a second, the largest part of an idle node's CPU (docs/benchmarks.md, "Idle nodes").
/// Here <c>tick-duration</c> keeps the part that protects a busy node: the thread looks at most once per tick, so a
/// thousand paced connections' timers cost no more wake-ups than the wheel's; a timer still runs at most a tick late.
/// An idle node's thread wakes only for what is due (heartbeats, gossip, a connection's ping).
/// </summary>
/// <remarks>
/// Selected with <c>akka.scheduler.implementation</c> (config/akka.hocon). As in Akka's wheel, due work runs on the
/// scheduler's thread (a scheduled Tell is one enqueue), a repeating timer keeps its interval from when it was due,
/// and timers still pending when the actor system shuts down are run once then, so that no one waits on them.
/// </remarks>
public sealed class DueTimeScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>At most one look per this many <see cref="TimeSpan"/> ticks (tick-duration).</summary>
    private readonly long _minimumGap;
    private readonly TimeSpan _shutdownTimeout;

    // Schedulers on any thread add here; only the scheduler's thread moves timers into the heap and runs them.
    private readonly ConcurrentQueue<DueTimer> _added = new();
    private readonly PriorityQueue<DueTimer, long> _byDueTime = new();
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly Thread _thread;
    private readonly TaskCompletionSource<List<DueTimer>> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // While the thread sleeps towards a due timer, the time it will wake; a timer added for earlier wakes it.
    // long.MinValue while it is awake (it looks at what was added before it sleeps) or sleeps out its minimum gap.
    private long _interruptibleUntil = long.MinValue;
    private int _addedSincePurge;
    private long _wakeUps;
    private volatile bool _stopping;

    public DueTimeScheduler(Config scheduler, ILoggingAdapter log) : base(scheduler, log)
    {
        TimeSpan tick = scheduler.GetTimeSpan("akka.scheduler.tick-duration", TimeSpan.FromMilliseconds(10));
        if (tick <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException("akka.scheduler.tick-duration", tick, "Must be more than zero.");
        _minimumGap = tick.Ticks;
        _shutdownTimeout = scheduler.GetTimeSpan("akka.scheduler.shutdown-timeout", TimeSpan.FromSeconds(5));
        _thread = new Thread(Run) { IsBackground = true, Name = "akka-due-timers" };
        _thread.Start();
    }

    /// <summary>How many timers wait (due, repeating or cancelled and not yet dropped); for tests.</summary>
    internal int PendingCount => _byDueTime.Count + _added.Count;

    /// <summary>How many times the thread woke from a sleep; for tests of how often it looks.</summary>
    internal long WakeUps => Interlocked.Read(ref _wakeUps);

    protected override DateTimeOffset TimeNow => DateTimeOffset.UtcNow;
    public override TimeSpan MonotonicClock => Clock.Elapsed;
    public override TimeSpan HighResMonotonicClock => Clock.Elapsed;

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message,
        IActorRef sender, ICancelable cancelable) =>
        Add(initialDelay, interval, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Add(delay, TimeSpan.Zero, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Add(initialDelay, interval, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Add(initialDelay, interval, action, cancelable);

    private void Add(TimeSpan delay, TimeSpan interval, IRunnable action, ICancelable? cancelable)
    {
        if (_stopping) throw new SchedulerException("The scheduler has shut down; nothing more can be scheduled.");
        long now = Now;
        // A delay beyond what the clock can add (TimeSpan.MaxValue: "never, unless cancelled") is due at the end of time.
        long due = delay.Ticks <= 0 ? now : delay.Ticks >= long.MaxValue - now ? long.MaxValue : now + delay.Ticks;
        _added.Enqueue(new DueTimer(action, cancelable, due, interval.Ticks));
        // The enqueue is a full fence, so this read sees the value the thread published before it last looked at _added.
        if (due < Volatile.Read(ref _interruptibleUntil)) _wake.Set();
    }

    private static long Now => Clock.Elapsed.Ticks;

    private void Run()
    {
        while (!_stopping)
        {
            TakeAdded();
            long now = Now;
            RunDue(now);
            SleepUntilDue(earliest: now + _minimumGap);
        }
        var pending = new List<DueTimer>();
        TakeAdded();
        while (_byDueTime.TryDequeue(out DueTimer? timer, out _))
            if (!timer.IsCancelled) pending.Add(timer);
        _stopped.TrySetResult(pending);
    }

    private void RunDue(long now)
    {
        while (_byDueTime.TryPeek(out DueTimer? timer, out long due) && due <= now)
        {
            _byDueTime.Dequeue();
            if (timer.IsCancelled) continue;
            try
            {
                timer.Action.Run();
            }
            catch (Exception e)
            {
                Log.Error(e, "A scheduled task failed: {0}", timer.Action);
            }
            if (timer.Interval <= 0 || timer.IsCancelled) continue;
            // Keep the interval from when it was due; a thread that fell behind by more does not run it in a burst.
            long next = due + timer.Interval;
            _byDueTime.Enqueue(timer, next > now ? next : now + timer.Interval);
        }
    }

    /// <summary>Sleeps until the next timer is due, but not before <paramref name="earliest"/>; wakes sooner for a timer added for sooner.</summary>
    private void SleepUntilDue(long earliest)
    {
        while (!_stopping)
        {
            TakeAdded();
            // Nothing pending: sleep until something is added.
            long wakeAt = _byDueTime.TryPeek(out _, out long due) ? Math.Max(due, earliest) : long.MaxValue;
            Interlocked.Exchange(ref _interruptibleUntil, wakeAt > earliest ? wakeAt : long.MinValue);
            if (!_added.IsEmpty)
            {
                Volatile.Write(ref _interruptibleUntil, long.MinValue);
                continue;
            }
            long now = Now;
            if (now >= wakeAt) break;
            long waitMs = (wakeAt - now) / TimeSpan.TicksPerMillisecond + 1;
            _wake.Wait(wakeAt == long.MaxValue ? Timeout.Infinite : (int)Math.Min(waitMs, int.MaxValue - 1));
            _wake.Reset();
            Interlocked.Increment(ref _wakeUps);
            Volatile.Write(ref _interruptibleUntil, long.MinValue);
            if (Now >= wakeAt) break;
        }
    }

    private void TakeAdded()
    {
        while (_added.TryDequeue(out DueTimer? timer))
        {
            _byDueTime.Enqueue(timer, timer.FirstDue);
            _addedSincePurge++;
        }
        PurgeCancelledIfMany();
    }

    /// <summary>
    /// Cancelled timers leave the heap when they come due; many long ones (a 30 s reply timeout armed and cancelled
    /// per connection) would otherwise pile up. Once as many timers were added as half the heap holds, it is counted,
    /// and rebuilt without the cancelled ones if they are half of it: a scan per n/2 additions, O(1) per timer.
    /// </summary>
    private void PurgeCancelledIfMany()
    {
        if (_byDueTime.Count < 1024 || _addedSincePurge < _byDueTime.Count / 2) return;
        _addedSincePurge = 0;
        int cancelled = 0;
        foreach ((DueTimer timer, long _) in _byDueTime.UnorderedItems)
            if (timer.IsCancelled) cancelled++;
        if (cancelled * 2 < _byDueTime.Count) return;
        var live = new List<(DueTimer, long)>(_byDueTime.Count - cancelled);
        foreach ((DueTimer timer, long due) in _byDueTime.UnorderedItems)
            if (!timer.IsCancelled) live.Add((timer, due));
        _byDueTime.Clear();
        _byDueTime.EnqueueRange(live);
    }

    /// <summary>
    /// Stops the thread and runs, once, every timer that was still pending (as Akka's wheel does on shutdown: an
    /// Ask's timeout fails its task rather than leave it waiting forever).
    /// </summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _wake.Set();
        // Disposed by a task of its own (on this thread): the loop ends when the task returns; nothing to wait for.
        if (Thread.CurrentThread == _thread) return;
        if (!_stopped.Task.Wait(_shutdownTimeout))
        {
            Log.Warning("The scheduler's thread did not stop within {0}", _shutdownTimeout);
            return;
        }
        foreach (DueTimer timer in _stopped.Task.Result)
        {
            try
            {
                timer.Action.Run();
            }
            catch (SchedulerException)
            {
                // A task that schedules again at shutdown; nothing to do.
            }
            catch (Exception e)
            {
                Log.Error(e, "A scheduled task failed at shutdown: {0}", timer.Action);
            }
        }
    }
}
