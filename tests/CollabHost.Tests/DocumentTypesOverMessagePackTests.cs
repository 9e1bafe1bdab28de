using System.Net.WebSockets;
using System.Text.Json;
using CollabHost.Tests.Support;
using MessagePack;

namespace CollabHost.Tests;

/// <summary>json0 and rich-text documents over MessagePack frames: the same messages as JSON, binary on the wire.</summary>
public class DocumentTypesOverMessagePackTests(StockClientHost fixture) : IClassFixture<StockClientHost>
{
    private static async Task SendAsync(WireClient client, string json) =>
        await client.SendAsync(MessagePackSerializer.ConvertFromJson(json), WebSocketMessageType.Binary);

    private static async Task<JsonElement> ReceiveAsync(WireClient client)
    {
        (byte[] payload, WebSocketMessageType type) = await client.ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        return JsonDocument.Parse(MessagePackSerializer.ConvertToJson(payload)).RootElement.Clone();
    }

    private static async Task<JsonElement> RequestAsync(WireClient client, string json)
    {
        await SendAsync(client, json);
        return await ReceiveAsync(client);
    }

    [Theory]
    [InlineData("json0", """{"title":"Plan","tags":[]}""", """[{"p":["tags",0],"li":"a"}]""", """[{"p":["title",4],"si":"!"}]""",
        null, """{"title":"Plan!","tags":["a"]}""")]
    [InlineData("rich-text", """[{"insert":"Hello\n"}]""", """[{"retain":5},{"insert":" world","attributes":{"bold":true}}]""", """[{"insert":">"}]""",
        "http://sharejs.org/types/rich-text/v1", """{"ops":[{"insert":">Hello"},{"insert":" world","attributes":{"bold":true}},{"insert":"\n"}]}""")]
    public async Task Two_messagepack_clients_edit_a_document_at_once_and_both_end_with_the_servers_snapshot(
        string type, string data, string opA, string opB, string? snapshotType, string expected)
    {
        string doc = "mp-" + Guid.NewGuid().ToString("N")[..12];
        await using WireClient alice = await WireClient.ConnectAsync(fixture.Host.WebSocketUrl);
        await using WireClient bob = await WireClient.ConnectAsync(fixture.Host.WebSocketUrl);
        JsonElement created = await RequestAsync(alice,
            $$$$"""{"a":"op","c":"docs","d":"{{{{doc}}}}","v":null,"seq":1,"create":{"type":"{{{{type}}}}","data":{{{{data}}}}}}""");
        Assert.False(created.TryGetProperty("error", out _), created.ToString());
        JsonElement subscribed = await RequestAsync(bob, $$"""{"a":"s","c":"docs","d":"{{doc}}","v":null}""");
        JsonElement snapshot = subscribed.GetProperty("data");
        // As ShareDB: the default type (json0) goes without a type; rich-text names its URI, its data a Delta.
        Assert.Equal(snapshotType, snapshot.TryGetProperty("type", out JsonElement t) ? t.GetString() : null);
        Assert.Equal(1, snapshot.GetProperty("v").GetInt64());

        // Both at version 1: bob's op is transformed past alice's, which committed first.
        await SendAsync(alice, $$$"""{"a":"op","c":"docs","d":"{{{doc}}}","v":1,"seq":2,"op":{{{opA}}}}""");
        Assert.Equal(1, (await ReceiveAsync(alice)).GetProperty("v").GetInt64());
        await SendAsync(bob, $$$"""{"a":"op","c":"docs","d":"{{{doc}}}","v":1,"seq":1,"op":{{{opB}}}}""");
        JsonElement missed = await ReceiveAsync(bob); // alice's op first, then bob's ack
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(opA)), missed.GetProperty("op").GetRawText());
        Assert.Equal(2, (await ReceiveAsync(bob)).GetProperty("v").GetInt64());

        JsonElement fetched = (await RequestAsync(alice, $$"""{"a":"f","c":"docs","d":"{{doc}}","v":null}""")).GetProperty("data");
        Assert.Equal(3, fetched.GetProperty("v").GetInt64());
        Assert.Equal(expected, fetched.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task A_json0_op_that_does_not_fit_is_refused_in_messagepack_and_changes_nothing()
    {
        string doc = "mp-" + Guid.NewGuid().ToString("N")[..12];
        await using WireClient alice = await WireClient.ConnectAsync(fixture.Host.WebSocketUrl);
        await RequestAsync(alice, $$$$"""{"a":"op","c":"docs","d":"{{{{doc}}}}","v":null,"seq":1,"create":{"type":"json0","data":{"n":1}}}""");
        JsonElement refused = await RequestAsync(alice, $$$"""{"a":"op","c":"docs","d":"{{{doc}}}","v":1,"seq":2,"op":[{"p":["missing","x"],"oi":1}]}""");
        Assert.Equal("ERR_OT_OP_NOT_APPLIED", refused.GetProperty("error").GetProperty("code").GetString());
        JsonElement fetched = (await RequestAsync(alice, $$"""{"a":"f","c":"docs","d":"{{doc}}","v":null}""")).GetProperty("data");
        Assert.Equal((1L, """{"n":1}"""), (fetched.GetProperty("v").GetInt64(), fetched.GetProperty("data").GetRawText()));
    }
}
