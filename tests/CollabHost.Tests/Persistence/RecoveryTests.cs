using System.Net;
using System.Text.Json.Nodes;
using CollabText;
using CollabClient;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Persistence;

/// <summary>Documents survive the host stopping and starting again, on SQLite and on PostgreSQL.</summary>
public sealed class RecoveryTests
{
    private const string Collection = "notes";

    private static string NewDocId() => "r-" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task After_a_restart_a_document_has_the_same_text_and_version(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string id = NewDocId();
        string expected;
        long version;
        // Snapshots every 7 ops: recovery is the latest snapshot plus the ops after it.
        string[] settings = ["--Collab:Documents:SnapshotEvery=7"];
        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            await using CollabConnection client = await CollabConnection.ConnectAsync(host.WebSocket);
            CollabDocument doc = client.GetDocument(Collection, id);
            await doc.SubscribeAsync();
            await doc.CreateAsync("start ");
            for (int i = 0; i < 30; i++) await doc.SubmitAsync(TextOp.InsertAt(doc.Text!.Length / 2, $"{i}é😀"));
            await doc.SubmitAsync(TextOp.DeleteAt(0, 3));
            expected = doc.Text!;
            version = doc.Version;
        }

        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            await using CollabConnection client = await CollabConnection.ConnectAsync(host.WebSocket);
            DocumentSnapshot snapshot = await client.FetchSnapshotAsync(Collection, id);
            Assert.Equal(expected, snapshot.Text);
            Assert.Equal(version, snapshot.Version);
            Assert.Equal(32, version);

            // And it carries on from there.
            CollabDocument doc = client.GetDocument(Collection, id);
            await doc.SubscribeAsync();
            await doc.SubmitAsync(TextOp.InsertAt(0, "!"));
            Assert.Equal(33, doc.Version);
        }

        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            await using CollabConnection client = await CollabConnection.ConnectAsync(host.WebSocket);
            DocumentSnapshot snapshot = await client.FetchSnapshotAsync(Collection, id);
            Assert.Equal("!" + expected, snapshot.Text);
            Assert.Equal(33, snapshot.Version);
        }
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_resend_after_a_restart_is_acknowledged_and_not_applied_twice(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string id = NewDocId();
        string[] settings = ["--Collab:Documents:SnapshotEvery=3"];
        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            await using CollabConnection client = await CollabConnection.ConnectAsync(host.WebSocket);
            CollabDocument doc = client.GetDocument(Collection, id);
            await doc.SubscribeAsync();
            await doc.CreateAsync("");
            await using RawShareDbClient raw = await RawShareDbClient.ConnectAsync(host.WebSocket, "writer-1");
            for (int seq = 1; seq <= 5; seq++)
            {
                JsonObject ack = await raw.SubmitAsync(Collection, id, seq, "writer-1", seq, new JsonArray($"{seq};"));
                Assert.Null(ack["error"]);
            }
        }

        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            await using RawShareDbClient raw = await RawShareDbClient.ConnectAsync(host.WebSocket, "writer-1");
            // The client never saw the ack of seq 5 (sent at version 5) and sends it again after the restart; the
            // snapshot (at 3 and 6) plus the journal remember it. Seq 4 too, on its old base version.
            JsonObject again = await raw.SubmitAsync(Collection, id, 5, "writer-1", 5, new JsonArray("5;"));
            Assert.Null(again["error"]);
            Assert.Equal(5, (long)again["v"]!);
            JsonObject next = await raw.SubmitAsync(Collection, id, 6, "writer-1", 6, new JsonArray("6;"));
            Assert.Equal(6, (long)next["v"]!);

            using var http = new HttpClient();
            JsonObject snapshot = (JsonObject)JsonNode.Parse(await http.GetStringAsync(new Uri(host.Http, $"/api/docs/{Collection}/{id}")))!;
            Assert.Equal("6;5;4;3;2;1;", (string?)snapshot["data"]);
            Assert.Equal(7, (long)snapshot["v"]!);
        }
    }
}
