using System.Text.Json;
using System.Text.Json.Nodes;
using CollabClient.Tests.Support;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests;

/// <summary>
/// The unmodified sharedb 7 client on json0 (its default type, ot-json0 1.1.0) and rich-text (rich-text 4.1.0)
/// documents against the real host: created, edited at once by several clients, with presence, and still the same
/// after the host restarts (tests/CollabHost.Tests/sharedb-client/scenario.js).
/// </summary>
public class SharedbClientDocumentTypeTests(StockClientHost fixture, ITestOutputHelper output) : IClassFixture<StockClientHost>
{
    private const string Json0Uri = "http://sharejs.org/types/JSONv0";
    private const string RichTextUri = "http://sharejs.org/types/rich-text/v1";
    private static readonly string Script = RepositoryPaths.Combine("tests", "CollabHost.Tests", "sharedb-client", "scenario.js");

    private async Task<JsonElement> RunAsync(Uri url, string scenario, params string[] more)
    {
        string stdout = await NodeScript.RunAsync(Script, [scenario, url.ToString(), .. more], TimeSpan.FromSeconds(60));
        JsonElement result = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement.Clone();
        output.WriteLine(result.ToString());
        return result;
    }

    private static void AssertConverged(JsonElement result, string type)
    {
        Assert.Equal(0, result.GetProperty("errors").GetArrayLength());
        JsonElement fetched = result.GetProperty("fetched");
        Assert.Equal(type, fetched.GetProperty("type").GetString());
        JsonElement server = fetched.GetProperty("data");
        // Compared as JSON values: quill-delta builds ops with their keys in whatever order, the server in one order.
        Assert.All(result.GetProperty("datas").EnumerateArray(), data => AssertSameJson(server, data));
        long version = fetched.GetProperty("v").GetInt64();
        Assert.True(version > 3, $"version {version}: the editors' ops did not arrive"); // the client composes what waits behind its op in flight
        Assert.All(result.GetProperty("versions").EnumerateArray(), v => Assert.Equal(version, v.GetInt64()));
    }

    private static void AssertSameJson(JsonElement expected, JsonElement actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.GetRawText()), JsonNode.Parse(actual.GetRawText())),
            $"expected {expected.GetRawText()}, got {actual.GetRawText()}");

    [Fact]
    public async Task A_plain_create_makes_a_json0_document_that_three_editors_edit_at_once_and_converge_on()
    {
        int seed = Random.Shared.Next(100_000);
        output.WriteLine($"seed {seed} (repeat: node scenario.js json0 <ws url> {seed})");
        JsonElement result = await RunAsync(fixture.Host.WebSocketUrl, "json0", seed.ToString());
        Assert.Equal(Json0Uri, result.GetProperty("createdType").GetString());
        AssertConverged(result, Json0Uri);
        // json0 has no transformPresence: as ShareDB does, the server refuses its presence and bob, who watched
        // through all the editing, never sees it.
        Assert.Equal("ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE", result.GetProperty("presenceRefused").GetString());
        Assert.Equal(0, result.GetProperty("presenceReceived").GetInt32());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("remote").ValueKind);
        JsonElement data = result.GetProperty("fetched").GetProperty("data");
        Assert.True(data.GetProperty("n").GetDouble() >= 1);
    }

    [Fact]
    public async Task A_rich_text_document_created_by_name_is_edited_by_three_editors_at_once_and_they_converge()
    {
        int seed = Random.Shared.Next(100_000);
        output.WriteLine($"seed {seed} (repeat: node scenario.js richtext <ws url> {seed})");
        JsonElement result = await RunAsync(fixture.Host.WebSocketUrl, "richtext", seed.ToString());
        Assert.Equal(RichTextUri, result.GetProperty("createdType").GetString());
        AssertConverged(result, RichTextUri);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("presenceRefused").ValueKind);
        Assert.Equal("""{"index":2,"length":3,"name":"alice"}""", result.GetProperty("presence").GetProperty("value").GetRawText());
        Assert.Equal(0, result.GetProperty("presenceErrors").GetArrayLength());
    }

    [Fact]
    public async Task Rich_text_presence_moves_through_a_concurrent_insert_as_rich_texts_transformPresence_moves_it()
    {
        JsonElement result = await RunAsync(fixture.Host.WebSocketUrl, "richtextPresence");
        // Alice selected [3,5) while bob inserted ">> " at 0: bob sees the selection moved past his insert.
        Assert.Equal("""{"index":6,"length":2}""", result.GetProperty("bobRemote").GetRawText());
        AssertSameJson(JsonDocument.Parse("""{"ops":[{"insert":">> ","attributes":{"bold":true}},{"insert":"hello world\n"}]}""").RootElement,
            result.GetProperty("data"));
    }

    [Theory]
    [InlineData("json0", Json0Uri)]
    [InlineData("richtext", RichTextUri)]
    public async Task After_the_host_restarts_the_document_is_what_the_clients_last_saw(string scenario, string type)
    {
        using JournalStore store = JournalStore.Create(JournalStore.Sqlite);
        // A snapshot every 16 ops: recovery reads a stored snapshot of the type and the ops after it.
        string[] settings = ["--Collab:Documents:SnapshotEvery=16"];
        JsonElement result;
        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            result = await RunAsync(host.WebSocket, scenario, "7");
        }
        AssertConverged(result, type);
        string doc = result.GetProperty("doc").GetString()!;

        await using (InProcessHost host = await InProcessHost.StartAsync(store, settings))
        {
            JsonElement fetched = await RunAsync(host.WebSocket, "fetchdoc", "docs/" + doc);
            Assert.Equal(result.GetProperty("fetched").GetProperty("v").GetInt64(), fetched.GetProperty("v").GetInt64());
            Assert.Equal(type, fetched.GetProperty("type").GetString());
            AssertSameJson(result.GetProperty("fetched").GetProperty("data"), fetched.GetProperty("data"));
        }
    }
}
