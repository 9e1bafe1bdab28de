using System.Text.Json;
using CollabClient.Tests.Support;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests;

/// <summary>A host for the stock-client tests, pinging every second so an idle client is pinged several times.</summary>
public sealed class StockClientHost : IAsyncLifetime
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);

    public RunningHost Host { get; private set; } = null!;

    // The bulk scenario creates 1,001 documents over one connection first: the create budgets are lifted for it
    // (they are CreateBudgetTests' subject); every other limit is the default.
    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(
        $"--Collab:Connections:PingInterval={PingInterval:c}", "--Collab:Connections:PongTimeout=00:00:02",
        "--Collab:Connections:CreatesPerSecond=100000", "--Collab:Connections:CreateBurst=100000",
        "--Collab:Limits:CreatesPerSecondPerIp=100000", "--Collab:Limits:CreateBurstPerIp=100000");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The unmodified npm sharedb 7.0.0 client, in Node (tests/CollabHost.Tests/sharedb-client/scenario.js), against the
/// real host: what a ShareDB front end does must work here as it does against ShareDB itself.
/// </summary>
public class SharedbClientTests(StockClientHost fixture, ITestOutputHelper output) : IClassFixture<StockClientHost>
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";
    private static readonly string Script = RepositoryPaths.Combine("tests", "CollabHost.Tests", "sharedb-client", "scenario.js");

    private async Task<JsonElement> RunAsync(string scenario, params string[] more)
    {
        string stdout = await NodeScript.RunAsync(Script, [scenario, fixture.Host.WebSocketUrl.ToString(), .. more],
            TimeSpan.FromSeconds(60));
        // The scenario prints its result as JSON on its last line.
        JsonElement result = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement.Clone();
        output.WriteLine(result.ToString());
        return result;
    }

    private static string Text(JsonElement snapshot) => snapshot.GetProperty("data").GetString()!;

    private static long Version(JsonElement snapshot) => snapshot.GetProperty("v").GetInt64();

    [Fact]
    public async Task The_stock_client_creates_subscribes_submits_fetches_and_reads_past_snapshots()
    {
        JsonElement result = await RunAsync("basic");
        JsonElement before = result.GetProperty("before");
        Assert.Equal((0L, JsonValueKind.Null), (Version(before), before.GetProperty("type").ValueKind));

        JsonElement local = result.GetProperty("local");
        JsonElement fetched = result.GetProperty("fetched");
        Assert.Equal((4L, "hello there 😀"), (Version(local), Text(local)));
        Assert.Equal((4L, "hello there 😀", TextUnicode), (Version(fetched), Text(fetched), fetched.GetProperty("type").GetString()));
        Assert.Equal((1L, "hello"), (Version(result.GetProperty("atOne")), Text(result.GetProperty("atOne"))));
        Assert.Equal((1L, "hello"), (Version(result.GetProperty("atTime")), Text(result.GetProperty("atTime"))));
        Assert.Equal(4, (await fixture.Host.StatusAsync("docs", result.GetProperty("doc").GetString()!)).Version);
    }

    [Fact]
    public async Task Four_hundred_ops_each_awaited_before_the_next_are_all_acknowledged_never_refused()
    {
        // At loopback speed this is several hundred ops a second, over the default op rate (200/s, burst 100): the
        // server slows the client down instead of refusing it.
        JsonElement result = await RunAsync("sequential", "400");
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(400, result.GetProperty("length").GetInt32());
        JsonElement fetched = result.GetProperty("fetched");
        Assert.Equal((401L, new string('x', 400)), (Version(fetched), Text(fetched)));
    }

    [Fact]
    public async Task A_bulk_subscribe_and_fetch_of_more_than_a_thousand_documents_are_served_in_parts()
    {
        // 1,001 documents: one more than a part, and than the bound that used to refuse the whole bulk.
        JsonElement result = await RunAsync("bulk", "1001");
        Assert.Empty(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(1001, result.GetProperty("subscribed").GetInt32());
        Assert.Equal(1001, result.GetProperty("fetched").GetInt32());
        Assert.Equal("text 0", result.GetProperty("first").GetString());
        Assert.Equal("new text 1000", result.GetProperty("last").GetString());
    }

    [Fact]
    public async Task Two_clients_submitting_at_the_same_version_end_with_the_text_ot_text_unicode_predicts()
    {
        int seed = Random.Shared.Next(100_000);
        output.WriteLine($"seed {seed} (repeat: node scenario.js concurrent <ws url> {seed})");
        JsonElement result = await RunAsync("concurrent", seed.ToString());

        string? last = null;
        foreach (JsonElement round in result.GetProperty("rounds").EnumerateArray())
        {
            string alice = round.GetProperty("alice").GetString()!;
            Assert.Equal(alice, round.GetProperty("bob").GetString());
            // predicted = apply(apply(base, first), transform(second, first, 'left')) in the server's order, read
            // from its own history (the snapshot after the first of the two ops).
            Assert.True(round.GetProperty("firstMatches").GetBoolean(), round.ToString());
            Assert.Equal(round.GetProperty("predicted").GetString(), alice);
            last = alice;
        }
        Assert.NotNull(last);
        Assert.Equal(last, Text(result.GetProperty("fetched")));
        Assert.Equal(1 + 2 * result.GetProperty("rounds").GetArrayLength(), Version(result.GetProperty("fetched")));
    }

    [Fact]
    public async Task Three_editors_typing_at_once_without_waiting_for_acks_end_with_the_same_text_as_the_server()
    {
        int seed = Random.Shared.Next(100_000);
        output.WriteLine($"seed {seed} (repeat: node scenario.js typing <ws url> {seed})");
        JsonElement result = await RunAsync("typing", seed.ToString());
        Assert.Equal(0, result.GetProperty("errors").GetArrayLength());
        string[] texts = result.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.All(texts, t => Assert.Equal(Text(result.GetProperty("fetched")), t));
        Assert.All(result.GetProperty("versions").EnumerateArray(), v => Assert.Equal(Version(result.GetProperty("fetched")), v.GetInt64()));
    }

    [Fact]
    public async Task A_client_that_reconnects_resends_its_inflight_op_with_the_same_src_and_seq_and_it_is_applied_once()
    {
        JsonElement result = await RunAsync("reconnect");
        Assert.False(result.GetProperty("ackedBeforeCut").GetBoolean(), "the ack should have been lost with the connection");

        JsonElement[] edits = result.GetProperty("sentOps").EnumerateArray().Where(o => o.GetProperty("op").ValueKind == JsonValueKind.Array).ToArray();
        Assert.Equal(2, edits.Length);
        Assert.Equal(edits[0].GetProperty("seq").GetInt64(), edits[1].GetProperty("seq").GetInt64());
        Assert.Equal(edits[0].GetProperty("v").GetInt64(), edits[1].GetProperty("v").GetInt64());
        Assert.Equal(result.GetProperty("firstId").GetString(), edits[1].GetProperty("src").GetString());

        Assert.Equal((2L, "hello!"), (Version(result.GetProperty("local")), Text(result.GetProperty("local"))));
        Assert.Equal((2L, "hello!"), (Version(result.GetProperty("fetched")), Text(result.GetProperty("fetched"))));
        Assert.Equal(2, (await fixture.Host.StatusAsync("docs", result.GetProperty("doc").GetString()!)).Version);
    }

    [Fact]
    public async Task Presence_from_one_client_reaches_another_moved_through_concurrent_ops_and_goes_when_it_leaves()
    {
        JsonElement result = await RunAsync("presence");
        Assert.Equal("""{"index":6,"name":"alice"}""", result.GetProperty("first").GetProperty("value").GetRawText());
        // Alice selected [3,5) while bob typed ">> " at 0: bob sees the selection moved past his insert.
        Assert.Equal("""{"index":6,"length":2,"name":"alice"}""", result.GetProperty("moved").GetProperty("value").GetRawText());
        Assert.Equal("""{"index":6,"length":2,"name":"alice"}""", result.GetProperty("bobRemote").GetRawText());
        Assert.True(result.GetProperty("gone").GetBoolean(), "bob still shows alice's cursor after she left");
    }

    [Fact]
    public async Task Offline_edits_on_several_documents_resubscribe_in_bulk_catch_up_and_converge()
    {
        JsonElement result = await RunAsync("offline");
        Assert.Contains("bs", result.GetProperty("resubscribedWith").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(result.GetProperty("bob").GetRawText(), result.GetProperty("alice").GetRawText());
        // Bob's "B" at 0 and his delete of "0", then alice's offline "A" at the end, transformed past both.
        Assert.Equal("""[{"v":4,"data":"B123A"},{"v":3,"data":"B123"}]""", result.GetProperty("alice").GetRawText());
        Assert.Equal("""["ZB123A","ZB123"]""", result.GetProperty("live").GetRawText());
    }

    [Fact]
    public async Task A_late_joiner_gets_the_cursors_already_there()
    {
        JsonElement result = await RunAsync("latejoin");
        Assert.Equal("""{"index":2}""", result.GetProperty("seen").GetRawText());
    }

    [Fact]
    public async Task A_delete_reaches_other_subscribers_and_a_subscribe_query_outside_the_subset_gets_a_clear_error()
    {
        JsonElement result = await RunAsync("misc");
        Assert.True(result.GetProperty("bobSawDel").GetBoolean());
        Assert.Equal("""{"v":2,"type":null}""", result.GetProperty("afterDel").GetRawText());
        Assert.Equal("ERR_QUERY_NOT_SUPPORTED", result.GetProperty("queryError").GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_idle_stock_client_stays_connected_through_several_pings()
    {
        int idleMs = (int)(3.5 * StockClientHost.PingInterval.TotalMilliseconds);
        JsonElement result = await RunAsync("idle", idleMs.ToString());
        Assert.Equal(0, result.GetProperty("states").GetArrayLength()); // never left 'connected'
        Assert.Equal((2L, "idle but alive"), (Version(result.GetProperty("fetched")), Text(result.GetProperty("fetched"))));
    }
}
