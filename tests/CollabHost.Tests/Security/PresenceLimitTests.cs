using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

/// <summary>
/// A connection's presence values are kept until it ends, so they are bounded by count and bytes, per channel and per
/// connection (issue 19 item 5): past a bound the value gets an error, and is neither kept nor relayed.
/// </summary>
public class PresenceLimitTests
{
    private static JsonObject Presence(string channel, string id, JsonNode? value, long pv) =>
        new() { ["a"] = "p", ["ch"] = channel, ["id"] = id, ["pv"] = pv, ["p"] = value };

    /// <summary>Sends a presence value and reads the reply to it: the echo, or the error.</summary>
    private static async Task<JsonObject> PublishAsync(ProtocolSocket client, string channel, string id, JsonNode? value, long pv = 1)
    {
        await client.SendAsync(Presence(channel, id, value, pv));
        return await client.ReceiveAsync(m => (string?)m["a"] == "p" && (string?)m["id"] == id && (string?)m["ch"] == channel);
    }

    private static string? ErrorCode(JsonObject reply) => (string?)reply["error"]?["code"];

    [Fact]
    public async Task A_presence_value_over_the_bound_gets_an_error_and_is_neither_kept_nor_relayed()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var watcher = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var sender = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await watcher.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "lobby", ["seq"] = 1 });
        await watcher.ReceiveAsync(m => (string?)m["a"] == "ps");

        JsonObject refused = await PublishAsync(sender, "lobby", "p1", new string('x', 200_000));
        Assert.Equal("ERR_PRESENCE_OVER_LIMIT", ErrorCode(refused));
        Assert.Contains("65536", (string?)refused["error"]!["message"]);

        // The next value is the first the watcher sees: the refused one went nowhere.
        Assert.Null(ErrorCode(await PublishAsync(sender, "lobby", "p1", new JsonObject { ["index"] = 7 }, pv: 2)));
        JsonObject relayed = await watcher.ReceiveAsync(m => (string?)m["a"] == "p");
        Assert.Equal(7, (int)relayed["p"]!["index"]!);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task A_presence_id_longer_than_a_name_gets_an_error_and_nothing_is_kept_or_relayed()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var watcher = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var sender = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await watcher.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "lobby", ["seq"] = 1 });
        await watcher.ReceiveAsync(m => (string?)m["a"] == "ps");

        // The value is small: the id alone would be kept (and relayed to everyone) at 100 KB.
        await sender.SendAsync(Presence("lobby", new string('i', 100_000), new JsonObject { ["index"] = 1 }, 1));
        JsonObject refused = await sender.ReceiveAsync(m => (string?)m["a"] == "p" && m["error"] is not null);
        Assert.Equal("ERR_NAME_TOO_LONG", ErrorCode(refused));

        Assert.Null(ErrorCode(await PublishAsync(sender, "lobby", "p1", new JsonObject { ["index"] = 7 })));
        JsonObject relayed = await watcher.ReceiveAsync(m => (string?)m["a"] == "p");
        Assert.Equal("p1", (string?)relayed["id"]);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task Presences_are_bounded_in_number_per_channel_and_a_null_frees_room()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        for (int i = 0; i < 16; i++)
            Assert.Null(ErrorCode(await PublishAsync(client, "room", $"p{i}", new JsonObject { ["index"] = i })));
        JsonObject refused = await PublishAsync(client, "room", "p16", new JsonObject { ["index"] = 16 });
        Assert.Equal("ERR_PRESENCE_OVER_LIMIT", ErrorCode(refused));

        // Another channel has room of its own, and nulling one presence makes room on its channel.
        Assert.Null(ErrorCode(await PublishAsync(client, "hall", "p16", new JsonObject { ["index"] = 16 })));
        Assert.Null(ErrorCode(await PublishAsync(client, "room", "p0", null, pv: 2)));
        Assert.Null(ErrorCode(await PublishAsync(client, "room", "p16", new JsonObject { ["index"] = 16 })));
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task Presence_bytes_are_bounded_per_connection_across_channels()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        // 60 KiB a value (quotes included), one channel each: 17 fit in the 1 MiB a connection may hold, the 18th not.
        string value = new('v', 60 * 1024 - 2);
        int accepted = 0;
        JsonObject reply;
        while (ErrorCode(reply = await PublishAsync(client, $"c{accepted}", "cursor", value)) is null && accepted < 100) accepted++;
        Assert.Equal(17, accepted);
        Assert.Equal("ERR_PRESENCE_OVER_LIMIT", ErrorCode(reply));
        Assert.Contains("1048576", (string?)reply["error"]!["message"]);

        // A replaced value counts once: the same presence may change as often as it likes.
        Assert.Null(ErrorCode(await PublishAsync(client, "c0", "cursor", value, pv: 2)));
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }
}
