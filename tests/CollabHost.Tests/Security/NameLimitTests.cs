using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

/// <summary>Collection names, document ids and presence channels have a size limit, refused with a clear error.</summary>
public class NameLimitTests
{
    [Theory]
    [InlineData("c")]
    [InlineData("d")]
    public async Task A_hundred_kilobyte_name_is_refused_and_nothing_is_created_while_a_name_at_the_limit_works(string field)
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        string huge = new('n', 100_000);
        await client.CreateAsync(field == "c" ? huge : "docs", field == "d" ? huge : "doc", "text");
        JsonObject refused = await client.ReceiveAckAsync();
        Assert.Equal("ERR_NAME_TOO_LONG", (string?)refused["error"]!["code"]);
        Assert.Contains($"'{field}'", (string?)refused["error"]!["message"]);
        Assert.Contains("256", (string?)refused["error"]!["message"]);

        // At the limit it works, and the huge one's prefix was not created under a cut name.
        string limit = new('n', 256);
        await client.CreateAsync(field == "c" ? limit : "docs", field == "d" ? limit : "doc", "text");
        Assert.Null((await client.ReceiveAckAsync())["error"]);
        await client.FetchAsync(field == "c" ? limit : "docs", field == "d" ? limit : "doc");
        Assert.Equal("text", (string?)(await client.ReceiveAsync(m => (string?)m["a"] == "f"))["data"]!["data"]);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task A_presence_channel_of_a_hundred_thousand_dots_is_refused_at_once_with_any_token()
    {
        await using var host = await SecuredHost.StartAsync(true);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("guest", read: ["wiki/*x", "a*b/*"]));
        var clock = Stopwatch.StartNew();
        string dots = new('.', 100_000);
        await client.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = dots, ["seq"] = 1 });
        JsonObject refused = await client.ReceiveAsync(m => m["error"] is not null);
        Assert.Equal("ERR_NAME_TOO_LONG", (string?)refused["error"]!["code"]);

        // A channel of dots at the limit goes through the access check (every split), and is denied at once too.
        await client.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "wiki" + new string('.', 509), ["seq"] = 2 });
        JsonObject denied = await client.ReceiveAsync(m => m["error"] is not null);
        Assert.Equal("ERR_ACCESS_DENIED", (string?)denied["error"]!["code"]);
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
        await Bystander.AssertServedAsync(host.WebSocketUrl, Bystander.Token());
    }
}
