using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using CollabActors.Scheduling;
using CollabActors.Tests.Support;

namespace CollabActors.Tests.Scheduling;

/// <summary>
/// The scheduler whose thread sleeps until the next timer is due: timers run when due, in order, never early, once
/// or until cancelled; the thread wakes for what is due and no more often than once a tick; shutdown runs what was
/// pending. The actor system every actor test runs on uses it too (config/akka.hocon).
/// </summary>
public sealed class DueTimeSchedulerTests : IDisposable
{
    /// <summary>Room for a loaded, shared 2-core machine: how long a test waits for something that should take milliseconds.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly DueTimeScheduler _scheduler = Create(tick: TimeSpan.FromMilliseconds(10));

    private static DueTimeScheduler Create(TimeSpan tick) => new(
        ConfigurationFactory.ParseString($"akka.scheduler.tick-duration = {(int)tick.TotalMilliseconds}ms"), NoLogger.Instance);

    public void Dispose() => _scheduler.Dispose();

    private static Cancelable Cancelable(DueTimeScheduler scheduler) => new((IScheduler)scheduler);

    private IActionScheduler Actions => _scheduler;

    [Fact]
    public async Task A_timer_runs_when_due_and_never_before()
    {
        var ran = new TaskCompletionSource<TimeSpan>();
        var started = Stopwatch.StartNew();

        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(120), () => ran.TrySetResult(started.Elapsed));

        TimeSpan ranAfter = await ran.Task.WaitAsync(Patience);
        Assert.True(ranAfter >= TimeSpan.FromMilliseconds(120), $"ran after {ranAfter.TotalMilliseconds} ms");
    }

    [Fact]
    public void Timers_run_in_the_order_they_are_due_whatever_the_order_they_were_added()
    {
        var order = new ConcurrentQueue<int>();
        var last = new CountdownEvent(5);
        foreach (int ms in new[] { 250, 50, 200, 100, 150 })
            Actions.ScheduleOnce(TimeSpan.FromMilliseconds(ms), () => { order.Enqueue(ms); last.Signal(); });

        Assert.True(last.Wait(Patience));
        Assert.Equal([50, 100, 150, 200, 250], order);
    }

    [Fact]
    public void A_cancelled_timer_never_runs()
    {
        var cancelled = Cancelable(_scheduler);
        int ranCancelled = 0;
        var later = new ManualResetEventSlim();
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(50), () => Interlocked.Increment(ref ranCancelled), cancelled);
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(150), later.Set);

        cancelled.Cancel();

        Assert.True(later.Wait(Patience));
        Assert.Equal(0, Volatile.Read(ref ranCancelled));
    }

    [Fact]
    public void A_repeating_timer_runs_every_interval_until_cancelled()
    {
        var cancelable = Cancelable(_scheduler);
        int runs = 0;
        var thirdRun = new ManualResetEventSlim();
        Actions.ScheduleRepeatedly(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), () =>
        {
            if (Interlocked.Increment(ref runs) == 3) thirdRun.Set();
        }, cancelable);

        Assert.True(thirdRun.Wait(Patience));
        cancelable.Cancel();
        int atCancel = Volatile.Read(ref runs);
        Thread.Sleep(200);

        // One run may already have been under way when Cancel returned; none starts after it.
        Assert.InRange(Volatile.Read(ref runs), atCancel, atCancel + 1);
    }

    [Fact]
    public async Task A_timer_added_for_sooner_wakes_the_thread_sleeping_towards_a_later_one()
    {
        var far = Cancelable(_scheduler);
        Actions.ScheduleOnce(TimeSpan.FromMinutes(10), () => { }, far);
        Thread.Sleep(100); // the thread is now asleep until the far timer
        var ran = new TaskCompletionSource();

        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(30), () => ran.TrySetResult());

        // Without the wake-up it would run in ten minutes, with the far one.
        await ran.Task.WaitAsync(Patience);
        far.Cancel();
    }

    [Fact]
    public void An_idle_scheduler_wakes_for_what_is_due_not_every_tick()
    {
        var due = new ManualResetEventSlim();
        long before = _scheduler.WakeUps;

        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(600), due.Set);

        Assert.True(due.Wait(Patience));
        // Akka's wheel ticks 60 times in 600 ms at a 10 ms tick; this thread sleeps through to the timer.
        Assert.InRange(_scheduler.WakeUps - before, 1, 5);
    }

    [Fact]
    public void Many_timers_due_close_together_wake_the_thread_at_most_once_a_tick()
    {
        using DueTimeScheduler scheduler = Create(tick: TimeSpan.FromMilliseconds(50));
        IActionScheduler actions = scheduler;
        var all = new CountdownEvent(100);
        long before = scheduler.WakeUps;
        var started = Stopwatch.StartNew();

        for (int i = 1; i <= 100; i++) actions.ScheduleOnce(TimeSpan.FromMilliseconds(5 * i), () => all.Signal());

        Assert.True(all.Wait(Patience));
        // 100 timers 5 ms apart over 500 ms: one wake-up each without the tick, about 500 / 50 with it.
        long wakeUps = scheduler.WakeUps - before;
        long ticks = (long)(started.Elapsed.TotalMilliseconds / 50);
        Assert.True(wakeUps <= ticks + 3, $"{wakeUps} wake-ups in {started.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void A_tick_duration_of_zero_is_refused_with_the_setting_named()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Create(tick: TimeSpan.Zero));

        Assert.Equal("akka.scheduler.tick-duration", refused.ParamName);
    }

    [Fact]
    public void A_task_that_throws_does_not_stop_the_timers_after_it()
    {
        var after = new ManualResetEventSlim();
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(20), () => throw new InvalidOperationException("a failing task"));
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(60), after.Set);

        Assert.True(after.Wait(Patience));
    }

    [Fact]
    public void Cancelled_timers_leave_the_heap_before_they_come_due()
    {
        // The scheduler's thread is held inside a task while the timers are added and cancelled, so that it first sees
        // them all at once, cancelled (were it to look while they were being added, it would find none cancelled yet
        // and not look again until as many more were added).
        var held = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        Actions.ScheduleOnce(TimeSpan.Zero, () => { held.Set(); release.Wait(Patience); });
        Assert.True(held.Wait(Patience));

        var cancelables = Enumerable.Range(0, 4_000).Select(_ => Cancelable(_scheduler)).ToList();
        foreach (Cancelable c in cancelables) Actions.ScheduleOnce(TimeSpan.FromMinutes(30), () => { }, c);
        foreach (Cancelable c in cancelables) c.Cancel();
        for (int i = 0; i < 500; i++) Actions.ScheduleOnce(TimeSpan.FromMinutes(30), () => { });
        release.Set();

        // Once the thread has taken them (it has when it runs a timer added after them): the 4,000 cancelled are more
        // than half of the heap, so they are dropped; the 500 live ones stay.
        var taken = new ManualResetEventSlim();
        Actions.ScheduleOnce(TimeSpan.Zero, taken.Set);
        Assert.True(taken.Wait(Patience));
        Assert.Equal(500, _scheduler.PendingCount);
    }

    [Fact]
    public void A_timer_that_is_never_due_waits_without_overflowing_the_clock()
    {
        var never = Cancelable(_scheduler);
        var soon = new ManualResetEventSlim();

        Actions.ScheduleOnce(TimeSpan.MaxValue, () => { }, never);
        Actions.ScheduleOnce(TimeSpan.FromMilliseconds(20), soon.Set);

        Assert.True(soon.Wait(Patience));
        never.Cancel();
    }

    [Fact]
    public void Shutdown_runs_each_pending_timer_once_and_refuses_new_ones()
    {
        DueTimeScheduler scheduler = Create(tick: TimeSpan.FromMilliseconds(10));
        IActionScheduler actions = scheduler;
        int pendingRuns = 0, cancelledRuns = 0;
        var cancelled = Cancelable(scheduler);
        actions.ScheduleOnce(TimeSpan.FromMinutes(5), () => Interlocked.Increment(ref pendingRuns));
        actions.ScheduleOnce(TimeSpan.FromMinutes(5), () => Interlocked.Increment(ref cancelledRuns), cancelled);
        cancelled.Cancel();

        scheduler.Dispose();

        Assert.Equal(1, pendingRuns);
        Assert.Equal(0, cancelledRuns);
        Assert.Throws<SchedulerException>(() => actions.ScheduleOnce(TimeSpan.Zero, () => { }));
    }
}
