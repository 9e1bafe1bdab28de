using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace CollabHost.Persistence;

/// <summary>
/// Akka.Persistence.Sql's snapshot store with its loads (the first read of every recovering document) and its saves
/// on the <see cref="JournalLane"/> instead of the store actor's thread and the thread pool (on SQLite the plugin's
/// calls are synchronous underneath); deletes (nothing here asks for one) are the plugin's.
/// config/akka.hocon names it as the snapshot store.
/// </summary>
public sealed class QueuedSnapshotStore(Config snapshotConfig) : SqlSnapshotStore(snapshotConfig)
{
    private readonly JournalLane _lane = JournalLane.For(Context.System);

    protected override Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken) =>
        _lane.Run(() => base.LoadAsync(persistenceId, criteria, cancellationToken));

    protected override Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken) =>
        _lane.Run(() => base.SaveAsync(metadata, snapshot, cancellationToken));
}
