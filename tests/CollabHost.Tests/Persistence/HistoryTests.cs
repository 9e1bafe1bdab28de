using System.Net;
using System.Text.Json.Nodes;
using CollabClient;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// nf, nt and the history API after a restart, when the document recovered from a snapshot and its in-memory op
/// log starts at the snapshot: everything older is read from the journal and the snapshot store.
/// </summary>
public sealed class HistoryTests
{
    private const string Collection = "notes";

    private static string NewDocId() => "h-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates a document and writes "0;" .. "19;" one op each (versions 1..20), noting the time after each.</summary>
    private static async Task<List<long>> WriteHistoryAsync(InProcessHost host, string id)
    {
        await using CollabConnection client = await CollabConnection.ConnectAsync(host.WebSocket);
        CollabDocument doc = client.GetDocument(Collection, id);
        await doc.SubscribeAsync();
        await doc.CreateAsync("");
        var times = new List<long> { DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
        for (int i = 0; i < 20; i++)
        {
            await Task.Delay(5);
            await doc.SubmitAsync(CollabText.TextOp.InsertAt(doc.Text!.Length, $"{i};"));
            times.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await Task.Delay(5);
        }
        return times;
    }

    private static string TextAt(long version) =>
        version == 0 ? "" : string.Concat(Enumerable.Range(0, (int)version - 1).Select(i => $"{i};"));

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Snapshots_at_old_versions_and_times_come_from_the_journal_after_a_restart(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string id = NewDocId();
        string[] settings = ["--Collab:Documents:SnapshotEvery=8"];
        List<long> times;
        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings)) times = await WriteHistoryAsync(host, id);

        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            await using RawShareDbClient raw = await RawShareDbClient.ConnectAsync(host.WebSocket);
            int request = 1;
            foreach (long version in new long[] { 0, 1, 5, 8, 13, 20, 21 })
            {
                JsonObject nf = await raw.SnapshotAtVersionAsync(Collection, id, version, request++);
                Assert.Null(nf["error"]);
                Assert.Equal(version, (long)nf["v"]!);
                Assert.Equal(TextAt(version), (string?)nf["data"] ?? "");
            }
            for (int version = 1; version <= 21; version += 4)
            {
                JsonObject nt = await raw.SnapshotAtTimeAsync(Collection, id, times[version - 1], request++);
                Assert.Null(nt["error"]);
                Assert.Equal(version, (long)nt["v"]!);
                Assert.Equal(TextAt(version), (string?)nt["data"]);
            }
            JsonObject before = await raw.SnapshotAtTimeAsync(Collection, id, times[0] - 60_000, request++);
            Assert.Equal(0, (long)before["v"]!);
        }
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task The_history_api_serves_the_snapshot_and_ops_from_the_journal(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string id = NewDocId();
        string[] settings = ["--Collab:Documents:SnapshotEvery=8"];
        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings)) await WriteHistoryAsync(host, id);

        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            using var http = new HttpClient { BaseAddress = host.Http };
            JsonObject snapshot = (JsonObject)JsonNode.Parse(await http.GetStringAsync($"/api/docs/{Collection}/{id}"))!;
            Assert.Equal(21, (long)snapshot["v"]!);
            Assert.Equal(TextAt(21), (string?)snapshot["data"]);
            Assert.Equal("http://sharejs.org/types/text-unicode", (string?)snapshot["type"]);

            JsonArray all = (JsonArray)JsonNode.Parse(await http.GetStringAsync($"/api/docs/{Collection}/{id}/ops"))!;
            Assert.Equal(21, all.Count);
            Assert.Equal(Enumerable.Range(0, 21).Select(v => (long)v), all.Select(op => (long)op!["v"]!));
            Assert.Equal("", (string?)all[0]!["create"]!["data"]);
            Assert.NotNull(all[0]!["m"]!["ts"]);

            JsonArray range = (JsonArray)JsonNode.Parse(await http.GetStringAsync($"/api/docs/{Collection}/{id}/ops?from=3&to=6"))!;
            Assert.Equal([3L, 4L, 5L], range.Select(op => (long)op!["v"]!));
            Assert.Equal("[6,\"3;\"]", range[1]!["op"]!.ToJsonString());

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/docs/{Collection}/{NewDocId()}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/docs/{Collection}/{NewDocId()}/ops")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/docs/{Collection}/{id}/ops?from=5&to=2")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/docs/{Collection}/{id}/ops?from=-1")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/docs/{Collection}/{id}/ops?from=0&to=22")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/docs/{Collection}/{id}/ops?from=abc")).StatusCode);
        }
    }

    [Fact]
    public async Task With_authentication_on_the_history_api_needs_a_token_that_may_read_the_document()
    {
        using JournalStore store = JournalStore.Create(JournalStore.Sqlite);
        const string secret = "a-test-secret-that-is-at-least-32-bytes-long";
        await using InProcessHost host = await InProcessHost.StartAsync(store, "--Collab:Auth:Enabled=true", $"--Collab:Auth:Secret={secret}");
        byte[] key = System.Text.Encoding.UTF8.GetBytes(secret);
        string Token(params string[] read) => CollabHost.Security.AccessToken.Create(
            new CollabHost.Security.AccessTokenClaims("u1", "U", DateTimeOffset.UtcNow.AddHours(1), read, []), key, DateTimeOffset.UtcNow);
        using var http = new HttpClient { BaseAddress = host.Http };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/api/docs/{Collection}/x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/api/docs/{Collection}/x/ops?token=not.a.token")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync($"/api/docs/{Collection}/x?token={Token("other/*")}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/docs/{Collection}/x?token={Token(Collection)}")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/docs/{Collection}/x/ops");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token($"{Collection}/x"));
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(request)).StatusCode);
    }
}
