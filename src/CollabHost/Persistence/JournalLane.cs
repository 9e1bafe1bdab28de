using Akka.Actor;

namespace CollabHost.Persistence;

/// <summary>
/// Where the plugin's database calls that are not the journal writer's run: reads (a recovering document's snapshot
/// load, highest sequence number and replay; history reads) and snapshot saves. A few threads of their own, in the
/// order the calls came, at most <c>collab-journal-reads.max-concurrent</c> at once (the setting's name is from when
/// only reads ran here), one lane per ActorSystem.
/// </summary>
/// <remarks>
/// Akka.Persistence calls a journal's read of the highest sequence number, and a snapshot store's load, on the
/// plugin actor's own thread, and on SQLite the plugin's "async" reads are synchronous underneath. So every write a
/// live document asked for waited in the journal actor's mailbox behind every recovery queued before it, and a read
/// that met a busy database slept there (about 150 ms a time) with the journal actor and a thread-pool thread held:
/// ten connections creating documents held another editor's acks for up to a second (issue 19 item 10,
/// docs/persistence.md). Here the plugin actors only queue a read and go on with their mailbox; writes never wait
/// behind reads, and however many recoveries are asked for, only this many threads read, none of them the pool's.
/// Snapshot saves are the same kind of call: on the pool, a hundred documents reaching their snapshot interval
/// together held a hundred pool threads in SQLite's synchronous writes, and on a host pinned to one CPU every ack
/// waited 150–250 ms for a thread (ack p99 151–245 ms at 2,000 edits/s; 11.3–16.9 ms with the saves here,
/// docs/benchmarks.md, "Snapshot saves off the thread pool").
/// </remarks>
public sealed class JournalLane : IExtension, IDisposable
{
    /// <summary>The setting in config/akka.hocon.</summary>
    public const string MaxConcurrentSetting = "collab-journal-reads.max-concurrent";

    /// <summary>The lane's threads are named this and a number.</summary>
    public const string ThreadNamePrefix = "collab-journal-lane-";

    private readonly BlockingQueue<Action> _queue = new();

    public JournalLane(int maxConcurrent)
    {
        if (maxConcurrent < 1) throw new ArgumentOutOfRangeException(nameof(maxConcurrent), $"{MaxConcurrentSetting} must be at least 1.");
        MaxConcurrent = maxConcurrent;
        for (int i = 0; i < maxConcurrent; i++)
        {
            new Thread(Run) { Name = ThreadNamePrefix + i, IsBackground = true }.Start();
        }
    }

    /// <summary>Reads running at most at once (threads of the lane).</summary>
    public int MaxConcurrent { get; }

    /// <summary>The lane of <paramref name="system"/>, made on first use and stopped with the system.</summary>
    public static JournalLane For(ActorSystem system) => system.WithExtension<JournalLane, Provider>();

    /// <summary>
    /// Runs <paramref name="call"/> on a lane thread, which waits for it to finish before taking the next call, so
    /// the bound holds for databases whose calls are truly asynchronous (PostgreSQL) too.
    /// </summary>
    public Task<T> Run<T>(Func<Task<T>> call)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool queued = _queue.TryAdd(() =>
        {
            try
            {
                done.TrySetResult(call().GetAwaiter().GetResult());
            }
            catch (Exception cause)
            {
                done.TrySetException(cause);
            }
        });
        if (!queued) done.TrySetException(new InvalidOperationException("The journal's lane has stopped."));
        return done.Task;
    }

    public Task Run(Func<Task> call) => Run(async () =>
    {
        await call();
        return true;
    });

    /// <summary>Takes no more calls; those queued still run.</summary>
    public void Dispose() => _queue.CompleteAdding();

    private void Run()
    {
        while (_queue.TryTake(out Action call)) call();
    }

    private sealed class Provider : ExtensionIdProvider<JournalLane>
    {
        public override JournalLane CreateExtension(ExtendedActorSystem system)
        {
            var lane = new JournalLane(system.Settings.Config.GetInt(MaxConcurrentSetting, 4));
            system.RegisterOnTermination(lane.Dispose);
            return lane;
        }
    }
}
