using System.Net.WebSockets;
using System.Text.Json.Nodes;
using CollabHost.Queries;
using CollabHost.Tests.Security;
using CollabHost.Tests.Support;
using MessagePack;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Queries;

/// <summary>
/// qs/qu on the wire against the real host: bad requests get a clear error while nothing changes and the connection
/// serves on, a subscription with auth on only ever sees readable documents, the per-connection and per-node caps,
/// and a connection's end releasing its subscriptions.
/// </summary>
public sealed class SubscribeQueryOverWireTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private static string NewCollection() => "c" + Guid.NewGuid().ToString("N")[..10];

    private static JsonObject Subscribe(long id, string? collection, string? query)
    {
        var message = new JsonObject { ["a"] = "qs", ["id"] = id };
        if (collection is not null) message["c"] = collection;
        if (query is not null) message["q"] = JsonNode.Parse(query);
        return message;
    }

    private static Task<JsonObject> ReplyAsync(ProtocolSocket socket, string action, long id) =>
        socket.ReceiveAsync(m => (string?)m["a"] == action && (long?)m["id"] == id, Within);

    private static async Task<string?> ErrorCodeAsync(ProtocolSocket socket, JsonObject request)
    {
        await socket.SendAsync(request);
        JsonObject reply = await ReplyAsync(socket, (string)request["a"]!, (long)request["id"]!);
        return (string?)reply["error"]?["code"];
    }

    private static async Task ServesOnAsync(ProtocolSocket socket)
    {
        await socket.SendAsync(new JsonObject { ["a"] = "pp" });
        await socket.ReceiveAsync(m => (string?)m["a"] == "pp", Within);
    }

    private static async Task CreateAsync(ProtocolSocket socket, string collection, string id, string data)
    {
        await socket.SendAsync(new JsonObject
        {
            ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = null, ["seq"] = socket.NextSeq(),
            ["create"] = new JsonObject { ["type"] = "http://sharejs.org/types/JSONv0", ["data"] = JsonNode.Parse(data) },
        });
        Assert.Null((await socket.ReceiveAckAsync(Within))["error"]);
    }

    [Fact]
    public async Task Bad_subscribe_queries_and_an_unknown_qu_get_a_clear_error_and_the_connection_serves_on()
    {
        await using var host = await SecuredHost.StartAsync(auth: false);
        string notes = NewCollection();
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);

        Assert.Equal("ERR_QUERY_INVALID", await ErrorCodeAsync(client, Subscribe(1, null, """{"open":true}""")));
        Assert.Equal("ERR_QUERY_INVALID", await ErrorCodeAsync(client, Subscribe(2, notes, null)));
        Assert.Equal("ERR_QUERY_NOT_SUPPORTED", await ErrorCodeAsync(client, Subscribe(3, notes, """{"title":{"$regex":"x"}}""")));
        Assert.Equal("ERR_QUERY_INVALID", await ErrorCodeAsync(client, Subscribe(4, notes, """{"n":{"$in":3}}""")));
        Assert.Equal("ERR_QUERY_NOT_SUBSCRIBED", await ErrorCodeAsync(client, new JsonObject { ["a"] = "qu", ["id"] = 5L }));
        await ServesOnAsync(client);
        Assert.Equal(0, host.App.Services.GetRequiredService<QuerySubscriptions>().Count);

        // A good one still works after them, and ends with qu.
        Assert.Null(await ErrorCodeAsync(client, Subscribe(6, notes, """{"open":true}""")));
        Assert.Null(await ErrorCodeAsync(client, new JsonObject { ["a"] = "qu", ["id"] = 6L }));
        Assert.Equal(0, host.App.Services.GetRequiredService<QuerySubscriptions>().Count);
    }

    [Fact]
    public async Task A_messagepack_subscribe_query_gets_its_results_and_diffs_in_messagepack()
    {
        await using var host = await SecuredHost.StartAsync(auth: false);
        string notes = NewCollection();
        await using WireClient binary = await WireClient.ConnectAsync(host.WebSocketUrl);
        await binary.SendAsync(MessagePackSerializer.ConvertFromJson("""{"a":"qs","id":7,"c":"NOTES","q":{"n":{"$gte":1}}}""".Replace("NOTES", notes)),
            WebSocketMessageType.Binary);
        JsonNode reply = await NextBinaryAsync(binary);
        Assert.Equal("""{"a":"qs","id":7,"data":[]}""", reply.ToJsonString());

        using var author = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await CreateAsync(author, notes, "n1", """{"n":2}""");
        JsonNode diff = await NextBinaryAsync(binary);
        Assert.Equal("""{"a":"q","id":7,"diff":[{"type":"insert","index":0,"values":[{"v":1,"data":{"n":2},"d":"n1"}]}]}""", diff.ToJsonString());
    }

    private static async Task<JsonNode> NextBinaryAsync(WireClient client)
    {
        (byte[] payload, WebSocketMessageType type) = await client.ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        return JsonNode.Parse(MessagePackSerializer.ConvertToJson(payload))!;
    }

    [Fact]
    public async Task With_auth_on_a_subscription_only_ever_sees_documents_the_token_may_read()
    {
        await using var host = await SecuredHost.StartAsync();
        string notes = NewCollection();
        using var owner = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("owner", write: ["*"]));
        using var guest = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("guest", read: [notes + "/team-*"]));
        await guest.SendAsync(Subscribe(1, notes, """{"open":true}"""));
        JsonObject first = await ReplyAsync(guest, "qs", 1);
        Assert.Null(first["error"]);
        Assert.Empty(first["data"]!.AsArray());

        var seen = new List<string>();
        foreach (string id in new[] { "private-1", "team-1", "private-2", "team-2" })
        {
            await CreateAsync(owner, notes, id, """{"open":true}""");
            if (!id.StartsWith("team-", StringComparison.Ordinal)) continue;
            // Every diff up to this team document's insert: a private document must never be in one.
            while (!seen.Contains(id))
            {
                JsonObject update = await ReplyAsync(guest, "q", 1);
                seen.AddRange(update["diff"]!.AsArray().Where(c => (string?)c!["type"] == "insert")
                    .SelectMany(c => c!["values"]!.AsArray()).Select(v => (string)v!["d"]!));
            }
        }
        Assert.Equal(["team-1", "team-2"], seen);
    }

    [Fact]
    public async Task Live_queries_are_capped_per_connection_and_per_node_and_a_connection_that_ends_releases_its_own()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Connections:MaxQuerySubscriptions=2", "--Collab:Queries:MaxSubscriptions=3");
        QuerySubscriptions live = host.App.Services.GetRequiredService<QuerySubscriptions>();
        string notes = NewCollection();
        using (var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl))
        {
            Assert.Null(await ErrorCodeAsync(first, Subscribe(1, notes, "{}")));
            Assert.Null(await ErrorCodeAsync(first, Subscribe(2, notes, "{}")));
            Assert.Equal("ERR_TOO_MANY_QUERY_SUBSCRIPTIONS", await ErrorCodeAsync(first, Subscribe(3, notes, "{}")));

            using var second = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
            Assert.Null(await ErrorCodeAsync(second, Subscribe(1, notes, "{}")));
            Assert.Equal("ERR_TOO_MANY_QUERY_SUBSCRIPTIONS", await ErrorCodeAsync(second, Subscribe(2, notes, "{}")));
            await ServesOnAsync(second);
            Assert.Equal(3, live.Count);
            await first.Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);

            // The first connection's end released its two: the node has room again.
            var deadline = DateTime.UtcNow + Within;
            while (live.Count != 1 && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(1, live.Count);
            Assert.Null(await ErrorCodeAsync(second, Subscribe(2, notes, "{}")));
        }
    }
}
