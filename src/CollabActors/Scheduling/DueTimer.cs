using Akka.Actor;
using Akka.Dispatch;

namespace CollabActors.Scheduling;

/// <summary>
/// One timer of <see cref="DueTimeScheduler"/>: what to run, when first (in <see cref="TimeSpan"/> ticks of the
/// scheduler's clock), and every how many ticks after that (0: once). Cancelled through Akka's <see cref="ICancelable"/>,
/// which the scheduler checks when the timer comes due.
/// </summary>
internal sealed class DueTimer(IRunnable action, ICancelable? cancelable, long firstDue, long interval)
{
    public IRunnable Action { get; } = action;
    public long FirstDue { get; } = firstDue;
    public long Interval { get; } = interval;
    public bool IsCancelled => cancelable?.IsCancellationRequested ?? false;
}
