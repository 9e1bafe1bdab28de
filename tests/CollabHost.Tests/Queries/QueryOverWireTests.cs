using System.Data.Common;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollabHost.ReadModel;
using CollabHost.Tests.Security;
using CollabHost.Tests.Support;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Queries;

/// <summary>
/// qf on the wire: only readable documents with auth on, the MessagePack encoding, the cap and the timeout, and bad
/// queries answered with an error while the connection (and everyone else) is served on.
/// </summary>
public sealed class QueryOverWireTests
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(10);

    private static string NewCollection() => "c" + Guid.NewGuid().ToString("N")[..10];

    private static JsonObject Query(long id, string collection, string query) =>
        new() { ["a"] = "qf", ["id"] = id, ["c"] = collection, ["q"] = JsonNode.Parse(query) };

    private static string[] Ids(JsonObject reply) => [.. reply["data"]!.AsArray().Select(d => (string)d!["d"]!)];

    /// <summary>Asks until the read model has caught up with what was written (it follows the journal within milliseconds).</summary>
    private static async Task<JsonObject> QueryUntilAsync(ProtocolSocket socket, string collection, string query, Func<JsonObject, bool> done)
    {
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        for (long id = 1000; ; id++)
        {
            await socket.SendAsync(Query(id, collection, query));
            long expected = id;
            JsonObject reply = await socket.ReceiveAsync(m => (string?)m["a"] == "qf" && (long?)m["id"] == expected);
            if (done(reply)) return reply;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"query {query} still answers {reply.ToJsonString()}");
            await Task.Delay(20);
        }
    }

    private static async Task CreateJsonAsync(ProtocolSocket socket, string collection, string id, string data)
    {
        await socket.SendAsync(new JsonObject
        {
            ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = null, ["seq"] = socket.LastSeq + 1,
            ["create"] = new JsonObject { ["type"] = "http://sharejs.org/types/JSONv0", ["data"] = JsonNode.Parse(data) },
        });
        JsonObject ack = await socket.ReceiveAsync(m => (string?)m["a"] == "op" && (string?)m["d"] == id);
        Assert.Null(ack["error"]);
    }

    [Fact]
    public async Task With_auth_on_a_query_returns_only_the_documents_the_token_may_read()
    {
        await using var host = await SecuredHost.StartAsync();
        string notes = NewCollection();
        using var owner = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("owner", write: ["*"]));
        foreach (string id in new[] { "team-1", "private-1", "alice-x", "team-2", "team_3" })
            await CreateJsonAsync(owner, notes, id, """{"open":true}""");
        await QueryUntilAsync(owner, notes, """{"open":true}""", reply => Ids(reply).Length == 5);

        using var guest = await ProtocolSocket.OpenAsync(host.WebSocketUrl,
            SecuredHost.Token("guest", read: [notes + "/team-*"], write: [notes + "/alice-*"]));
        JsonObject reply = await QueryUntilAsync(guest, notes, """{"open":true}""", _ => true);
        // In creation order; "team_3" is not "team-*": the pattern's characters are literal (LIKE's _ is escaped).
        Assert.Equal(["team-1", "alice-x", "team-2"], Ids(reply));
        reply = await QueryUntilAsync(guest, notes, """{"$count":true}""", _ => true);
        Assert.Equal(3, (long)reply["extra"]!);

        using var stranger = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("stranger", read: ["elsewhere/*"]));
        Assert.Empty(Ids(await QueryUntilAsync(stranger, notes, "{}", _ => true)));
    }

    [Fact]
    public async Task A_messagepack_query_gets_a_messagepack_answer_with_the_same_results()
    {
        await using var host = await SecuredHost.StartAsync(auth: false);
        string notes = NewCollection();
        using var author = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await CreateJsonAsync(author, notes, "n1", """{"title":"Plan","n":1}""");
        await CreateJsonAsync(author, notes, "n2", """{"title":"Other","n":5}""");
        JsonObject json = await QueryUntilAsync(author, notes, """{"n":{"$gte":1},"$sort":{"n":-1}}""", reply => Ids(reply).Length == 2);

        await using WireClient binary = await WireClient.ConnectAsync(host.WebSocketUrl);
        await binary.SendAsync(MessagePackSerializer.ConvertFromJson("""{"a":"qf","id":1000,"c":"REPLACE","q":{"n":{"$gte":1},"$sort":{"n":-1}}}""".Replace("REPLACE", notes)),
            WebSocketMessageType.Binary);
        (byte[] payload, WebSocketMessageType type) = await binary.ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        JsonNode fromBinary = JsonNode.Parse(MessagePackSerializer.ConvertToJson(payload))!;
        Assert.Equal("qf", (string?)fromBinary["a"]);
        Assert.Equal(1000, (long)fromBinary["id"]!);
        Assert.True(JsonNode.DeepEquals(json["data"], fromBinary["data"]), $"{json.ToJsonString()} != {fromBinary.ToJsonString()}");
        Assert.Equal("""[{"v":1,"data":{"title":"Other","n":5},"d":"n2"},{"v":1,"data":{"title":"Plan","n":1},"d":"n1"}]""", json["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Queries_over_the_cap_or_out_of_the_subset_get_an_error_and_the_connection_serves_on()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Queries:MaxResults=3");
        string notes = NewCollection();
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        for (int i = 0; i < 5; i++) await CreateJsonAsync(client, notes, $"n{i}", $$"""{"n":{{i}}}""");
        await QueryUntilAsync(client, notes, """{"$count":true}""", reply => (long?)reply["extra"] == 5);

        async Task<JsonObject> Ask(long id, string query)
        {
            await client.SendAsync(Query(id, notes, query));
            return await client.ReceiveAsync(m => (string?)m["a"] == "qf" && (long?)m["id"] == id);
        }
        string Code(JsonObject reply) => (string)reply["error"]!["code"]!;

        Assert.Equal("ERR_QUERY_TOO_LARGE", Code(await Ask(1, "{}"))); // five match, three may be returned
        Assert.Equal("ERR_QUERY_TOO_LARGE", Code(await Ask(2, """{"$limit":4}""")));
        Assert.Equal(["n1", "n2", "n3"], Ids(await Ask(3, """{"$limit":3,"$skip":1}""")));
        JsonObject regex = await Ask(4, """{"n":{"$regex":"1"}}""");
        Assert.Equal("ERR_QUERY_NOT_SUPPORTED", Code(regex));
        Assert.Contains("$regex", (string)regex["error"]!["message"]!);
        Assert.Equal("ERR_QUERY_NOT_SUPPORTED", Code(await Ask(5, """{"$where":"this.n > 1"}""")));
        Assert.Equal("ERR_QUERY_INVALID", Code(await Ask(6, """{"n":{"$in":3}}""")));
        // An injection attempt is a value like any other (a parameter), and matches nothing.
        Assert.Empty(Ids(await Ask(7, """{"n":"1; DROP TABLE collab_documents; --"}""")));
        Assert.Equal(["n3", "n4"], Ids(await Ask(8, """{"n":{"$gt":2}}""")));
        Assert.Equal(5, (long)(await Ask(9, """{"$count":true}"""))["extra"]!);
    }

    [Fact]
    public async Task With_queries_off_there_is_no_read_model_and_queries_are_refused_as_before()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Queries:Enabled=false");
        Assert.Null(host.App.Services.GetService<ReadModelDatabase>());
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await client.SendAsync(Query(1, NewCollection(), "{}"));
        JsonObject reply = await client.ReceiveAsync(m => (string?)m["a"] == "qf");
        Assert.Equal("ERR_QUERIES_NOT_SUPPORTED", (string)reply["error"]!["code"]!);
        using var http = new HttpClient { BaseAddress = host.HttpUrl };
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/docs/notes?q={}")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_query_that_takes_longer_than_the_timeout_is_stopped_with_an_error(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store, "--Collab:Queries:Timeout=00:00:00.020");
        await host.Services.GetRequiredService<ReadModelProjection>().SchemaReady;
        // 300,000 rows written straight into the read model: a scan of them all takes far longer than 20 ms.
        await using (DbConnection connection = await store.OpenAsync())
        await using (DbCommand insert = connection.CreateCommand())
        {
            insert.CommandText = provider == JournalStore.Sqlite
                ? "WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 300000) " +
                  "INSERT INTO collab_documents SELECT 'big', 'd' || i, 'http://sharejs.org/types/JSONv0', 1, 0, 0, i, '{\"n\":' || i || '}', '{\"n\":' || i || '}' FROM r"
                : "INSERT INTO collab_documents SELECT 'big', 'd' || i, 'http://sharejs.org/types/JSONv0', 1, 0, 0, i, '{\"n\":' || i || '}', ('{\"n\":' || i || '}')::jsonb FROM generate_series(1, 300000) i";
            await insert.ExecuteNonQueryAsync();
        }

        using var client = await ProtocolSocket.OpenAsync(host.WebSocket);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await client.SendAsync(Query(1, "big", """{"$or":[{"n":{"$gt":5}},{"n":{"$in":["a","b"]}}],"$sort":{"n":-1},"$count":true}"""));
        JsonObject reply = await client.ReceiveAsync(m => (string?)m["a"] == "qf");
        Assert.True(reply["error"] is not null, $"answered {reply.ToJsonString()[..Math.Min(200, reply.ToJsonString().Length)]} in {started.ElapsedMilliseconds} ms");
        Assert.Equal("ERR_QUERY_UNAVAILABLE", (string)reply["error"]!["code"]!);
        Assert.Contains("Collab:Queries:Timeout", (string)reply["error"]!["message"]!);
        // Stopped, not waited out: the answer comes about when the time is up.
        Assert.True(started.ElapsedMilliseconds < 5000, $"the error came after {started.ElapsedMilliseconds} ms");
    }
}
