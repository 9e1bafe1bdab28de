using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace CollabHost.Persistence;

/// <summary>
/// Akka.Persistence.Sql's snapshot store with its loads (the first read of every recovering document) on the
/// <see cref="JournalReadLane"/> instead of the store actor's thread; saves and deletes are the plugin's.
/// config/akka.hocon names it as the snapshot store.
/// </summary>
public sealed class QueuedSnapshotStore(Config snapshotConfig) : SqlSnapshotStore(snapshotConfig)
{
    private readonly JournalReadLane _reads = JournalReadLane.For(Context.System);

    protected override Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _reads.Run(() => base.LoadAsync(persistenceId, criteria, cancellationToken));
}
