using CollabText;
using CollabClient;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Persistence;

/// <summary>An idle document saves a snapshot and stops; the next request loads it again.</summary>
public sealed class PassivationTests
{
    private const string Collection = "notes";

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task An_idle_document_snapshots_stops_and_reloads_on_demand(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string id = "p-" + Guid.NewGuid().ToString("N")[..12];
        await using InProcessHost host = await InProcessHost.StartAsync(
            store, "--Collab:Documents:PassivateIdleAfter=00:00:01", "--Collab:Documents:SnapshotEvery=1000");
        await using (CollabConnection client = await CollabConnection.ConnectAsync(host.WebSocket))
        {
            CollabDocument doc = client.GetDocument(Collection, id);
            await doc.FetchAsync();
            await doc.CreateAsync("idle ");
            for (int i = 0; i < 9; i++) await doc.SubmitAsync(TextOp.InsertAt(5, "z"));
        }
        Assert.Null(await store.LatestSnapshotAsync(Collection, id));

        // Idle for more than a second: the passivation snapshot is at the last version.
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (await store.LatestSnapshotAsync(Collection, id) is null && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(10, await store.LatestSnapshotAsync(Collection, id));

        await using CollabConnection again = await CollabConnection.ConnectAsync(host.WebSocket);
        DocumentSnapshot snapshot = await again.FetchSnapshotAsync(Collection, id);
        Assert.Equal("idle zzzzzzzzz", snapshot.Text);
        Assert.Equal(10, snapshot.Version);
    }

    [Fact]
    public async Task A_document_with_a_subscriber_stays_loaded_while_idle()
    {
        using JournalStore store = JournalStore.Create(JournalStore.Sqlite);
        string id = "p-" + Guid.NewGuid().ToString("N")[..12];
        await using InProcessHost host = await InProcessHost.StartAsync(
            store, "--Collab:Documents:PassivateIdleAfter=00:00:01", "--Collab:Documents:SnapshotEvery=1000");
        await using CollabConnection watcher = await CollabConnection.ConnectAsync(host.WebSocket);
        CollabDocument watched = watcher.GetDocument(Collection, id);
        await watched.SubscribeAsync();
        await watched.CreateAsync("a");

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Null(await store.LatestSnapshotAsync(Collection, id));

        // Still subscribed: an edit from another client reaches the watcher.
        await using CollabConnection editor = await CollabConnection.ConnectAsync(host.WebSocket);
        CollabDocument edited = editor.GetDocument(Collection, id);
        await edited.SubscribeAsync();
        await edited.SubmitAsync(TextOp.InsertAt(1, "b"));
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (watched.Text != "ab" && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal("ab", watched.Text);
    }
}
