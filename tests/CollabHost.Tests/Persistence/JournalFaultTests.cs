using System.Text.Json.Nodes;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Persistence;

/// <summary>When the journal fails a write, nothing is acked; once it works again the client's resend is applied once.</summary>
public sealed class JournalFaultTests
{
    private const string Collection = "notes";

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_failed_write_is_not_acked_and_the_resend_is_applied_once(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string id = "f-" + Guid.NewGuid().ToString("N")[..12];
        await using InProcessHost host = await InProcessHost.StartAsync(store, "--Collab:Documents:SnapshotEvery=2");
        await using RawShareDbClient raw = await RawShareDbClient.ConnectAsync(host.WebSocket, "w");
        await raw.SendAsync(new JsonObject
        {
            ["a"] = "op", ["c"] = Collection, ["d"] = id, ["v"] = 0, ["src"] = "w", ["seq"] = 1,
            ["create"] = new JsonObject { ["type"] = "text-unicode", ["data"] = "" },
        });
        await raw.ReceiveAsync(m => (string?)m["a"] == "op" && (long?)m["seq"] == 1);
        for (int seq = 2; seq <= 4; seq++) await raw.SubmitAsync(Collection, id, seq - 1, "w", seq, new JsonArray($"{seq};"));

        bool broken = false;
        try
        {
            await JournalBreaker.BreakAsync(store);
            broken = true;
            JsonObject? answer;
            try
            {
                answer = await raw.TrySubmitAsync(Collection, id, 4, "w", 5, new JsonArray("5;"), TimeSpan.FromSeconds(3));
            }
            catch (System.Net.WebSockets.WebSocketException)
            {
                // The document stopped on the failure with the op unanswered: the server closed the socket (1012) so
                // the client reconnects and resends. No ack either way.
                answer = null;
            }
            Assert.True(answer is null || answer["error"] is not null, $"no ack while the journal fails, got {answer?.ToJsonString()}");
        }
        finally
        {
            if (broken) await JournalBreaker.MendAsync(store);
        }

        // The client gave up waiting (a cancelled receive aborts the socket) and reconnects, as a client does; the
        // document actor stopped on the failure and the resend starts it again from the journal.
        await using RawShareDbClient reconnected = await RawShareDbClient.ConnectAsync(host.WebSocket, "w");
        JsonObject ack = await reconnected.SubmitAsync(Collection, id, 4, "w", 5, new JsonArray("5;"));
        Assert.Null(ack["error"]);
        Assert.Equal(4, (long)ack["v"]!);
        // Resent once more from yet another connection (the ack was lost again): acked at the same version.
        await using RawShareDbClient third = await RawShareDbClient.ConnectAsync(host.WebSocket, "w");
        JsonObject again = await third.SubmitAsync(Collection, id, 4, "w", 5, new JsonArray("5;"));
        Assert.Equal(4, (long)again["v"]!);

        using var http = new HttpClient { BaseAddress = host.Http };
        JsonObject snapshot = (JsonObject)JsonNode.Parse(await http.GetStringAsync($"/api/docs/{Collection}/{id}"))!;
        Assert.Equal("5;4;3;2;", (string?)snapshot["data"]);
        Assert.Equal(5, (long)snapshot["v"]!);
    }
}
