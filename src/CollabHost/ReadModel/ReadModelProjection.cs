using System.Data.Common;

namespace CollabHost.ReadModel;

/// <summary>
/// The read model's background worker: on its own thread, it makes sure the tables exist (rebuilding them from the
/// journal when their shape changed), then projects every batch the journal commits, woken by
/// <see cref="JournalCommitSignal"/> or at the latest every <see cref="QueryOptions.ProjectionPollInterval"/>. Nothing
/// on an op's path waits for it. On PostgreSQL only the node holding the projector lock projects; the others try again.
/// After each write it raises <see cref="ReadModelChanges"/> for the node's live queries.
public sealed class ReadModelProjection(ReadModelDatabase database, QueryOptions options, ReadModelChanges changes, ILogger<ReadModelProjection> log)
    : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _schemaReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done once this node or another has created the tables (queries wait for it at start).</summary>
    public Task SchemaReady => _schemaReady.Task;

    /// <summary>The projector's thread, named so that its CPU shows apart from the journal writer's (top -H, /proc).</summary>
    protected override Task ExecuteAsync(CancellationToken stopping)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(stopping);
                stopped.SetResult();
            }
            catch (Exception cause)
            {
                stopped.SetException(cause);
            }
        }) { Name = "collab-read-model", IsBackground = true };
        thread.Start();
        return stopped.Task;
    }

    private void Run(CancellationToken stopping)
    {
        var projector = new ReadModelProjector(database,
            (what, cause) => log.LogError(cause, "Read model: the events of {Document} could not be applied; its row stays behind the journal", what),
            options.ProjectionRecentDocuments);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using DbConnection connection = database.OpenProjector();
                // Another node projects; its tables serve this node's queries. This node asks again on the same
                // session: a new PostgreSQL connection costs both sides its authentication (SCRAM's key derivation),
                // which was most of an idle node's projector thread when each try opened one.
                while (!database.TryLockProjector(connection))
                {
                    if (database.HasSchema(connection)) _schemaReady.TrySetResult();
                    if (stopping.WaitHandle.WaitOne(options.ProjectionPollInterval * 10)) return;
                }
                database.EnsureSchema(connection);
                _schemaReady.TrySetResult();
                while (!database.JournalExists(connection) && !stopping.IsCancellationRequested)
                {
                    JournalCommitSignal.Wait(options.ProjectionPollInterval, stopping);
                }
                while (!stopping.IsCancellationRequested)
                {
                    if (!projector.ProjectOnce(connection))
                    {
                        JournalCommitSignal.Wait(options.ProjectionPollInterval, stopping);
                        continue;
                    }
                    changes.Raise();
                    // Under load, let the journal's next commits gather first: one read-model transaction for many
                    // journal transactions, and the database's write lock left to the journal most of the time.
                    stopping.WaitHandle.WaitOne(options.ProjectionBatchDelay);
                }
            }
            catch (Exception cause) when (!stopping.IsCancellationRequested)
            {
                log.LogError(cause, "Read model projection failed; starting again in {Delay}", RetryAfterFailure);
                stopping.WaitHandle.WaitOne(RetryAfterFailure);
            }
        }
    }
}
