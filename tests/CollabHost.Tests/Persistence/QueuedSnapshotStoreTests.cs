using Akka.Actor;
using Akka.Persistence;
using CollabHost.Persistence;
using CollabHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// The snapshot store's calls into the database run on the <see cref="JournalLane"/>: a burst of saves (a hundred
/// documents reaching their snapshot interval together) holds the lane's threads, never the pool's that every
/// document and connection needs (docs/persistence.md, "Snapshot saves take the same lane").
/// </summary>
public sealed class QueuedSnapshotStoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_snapshot_is_saved_on_a_lane_thread_and_loads_back(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef snapshots = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        Inbox inbox = Inbox.Create(system);
        string id = "lane-" + Guid.NewGuid().ToString("N")[..12];

        // The plugin serializes a snapshot inside its save: the payload notes the thread that read it.
        var snapshot = new ThreadNotingSnapshot { Text = "saved" };
        snapshots.Tell(new SaveSnapshot(new SnapshotMetadata(id, 7, DateTime.UtcNow), snapshot), inbox.Receiver);

        Assert.IsType<SaveSnapshotSuccess>(await inbox.ReceiveAsync(Timeout));
        Assert.NotNull(snapshot.SerializedOn);
        Assert.StartsWith(JournalLane.ThreadNamePrefix, snapshot.SerializedOn);
        snapshots.Tell(new LoadSnapshot(id, SnapshotSelectionCriteria.Latest, long.MaxValue), inbox.Receiver);
        var loaded = Assert.IsType<LoadSnapshotResult>(await inbox.ReceiveAsync(Timeout));
        Assert.Equal(7, loaded.Snapshot!.Metadata.SequenceNr);
    }

    /// <summary>A snapshot of no type of ours (Akka's JSON serializer takes it), which notes where it was serialized.</summary>
    public sealed class ThreadNotingSnapshot
    {
        private string _text = "";

        public string Text
        {
            get
            {
                SerializedOn ??= Thread.CurrentThread.IsThreadPoolThread ? "(thread pool)" : Thread.CurrentThread.Name ?? "(unnamed)";
                return _text;
            }
            set => _text = value;
        }

        [Newtonsoft.Json.JsonIgnore]
        public string? SerializedOn { get; private set; }
    }
}
