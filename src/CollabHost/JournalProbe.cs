using Akka.Actor;
using Akka.Persistence;

namespace CollabHost;

/// <summary>
/// Readiness check of the journal: a persistent actor with a fresh id that only recovers (a read through the same
/// path a document's recovery takes; a query on a SQL journal) and reports, writing nothing.
/// </summary>
public sealed class JournalProbe : UntypedPersistentActor
{
    private readonly TaskCompletionSource<string?> _result;

    public JournalProbe(TaskCompletionSource<string?> result) => _result = result;

    public override string PersistenceId { get; } = "readiness-probe-" + Guid.NewGuid().ToString("N");

    protected override void OnRecover(object message)
    {
        if (message is not RecoveryCompleted) return;
        _result.TrySetResult(null);
        Context.Stop(Self);
    }

    protected override void OnCommand(object message)
    {
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _result.TrySetResult("journal failed: " + reason.GetType().Name);
        base.OnRecoveryFailure(reason, message);
    }
}
