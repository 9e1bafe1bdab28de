using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

/// <summary>
/// Issue 19 item 10: creates have a budget of their own, per connection and per client address, apart from the op
/// rate. A create over it is refused with an error, creates nothing, and the connection goes on editing.
/// </summary>
public class CreateBudgetTests
{
    [Fact]
    public async Task A_create_over_the_connections_budget_is_refused_with_an_error_creates_nothing_and_the_connection_still_edits()
    {
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Connections:CreatesPerSecond=0.01", "--Collab:Connections:CreateBurst=2");
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        foreach (string id in new[] { "first", "second" })
        {
            await client.CreateAsync("docs", id, "");
            Assert.Null((await client.ReceiveAckAsync())["error"]);
        }

        await client.CreateAsync("docs", "third", "never");
        JsonObject refused = await client.ReceiveAckAsync();
        Assert.Equal("ERR_RATE_LIMITED", (string?)refused["error"]!["code"]);
        Assert.Contains("create limit", (string?)refused["error"]!["message"]);
        Assert.Equal("third", (string?)refused["d"]);

        await client.FetchAsync("docs", "third");
        JsonObject fetched = await client.ReceiveAsync(m => (string?)m["a"] == "f" && (string?)m["d"] == "third");
        Assert.Equal(0, (long)fetched["data"]!["v"]!);
        Assert.Null(fetched["data"]!["type"]);

        await client.InsertAsync("docs", "first", 1, "still editing");
        JsonObject ack = await client.ReceiveAckAsync();
        Assert.Null(ack["error"]);
        Assert.Equal(1, (long)ack["v"]!);
        await client.FetchAsync("docs", "first");
        Assert.Equal("still editing", (string?)(await client.ReceiveAsync(m => (string?)m["a"] == "f" && (string?)m["d"] == "first"))["data"]!["data"]);
    }

    [Fact]
    public async Task Connections_from_one_address_share_its_create_budget_and_another_address_has_its_own()
    {
        // The test's connections come through a "proxy" at 127.0.0.1 that names their addresses.
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Limits:TrustedProxies:0=127.0.0.1", "--Collab:Limits:CreatesPerSecondPerIp=0.01", "--Collab:Limits:CreateBurstPerIp=3");
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "192.0.2.7");
        using var second = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "192.0.2.7");
        using var elsewhere = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "198.51.100.9");

        async Task<JsonObject> CreateAsync(ProtocolSocket client, string id)
        {
            await client.CreateAsync("docs", id, "");
            return await client.ReceiveAckAsync();
        }

        Assert.Null((await CreateAsync(first, "a1"))["error"]);
        Assert.Null((await CreateAsync(second, "a2"))["error"]);
        Assert.Null((await CreateAsync(first, "a3"))["error"]);
        JsonObject refused = await CreateAsync(second, "a4");
        Assert.Equal("ERR_RATE_LIMITED", (string?)refused["error"]!["code"]);
        Assert.Contains("from one address", (string?)refused["error"]!["message"]);

        Assert.Null((await CreateAsync(elsewhere, "b1"))["error"]);
        await second.InsertAsync("docs", "a2", 1, "x");
        Assert.Null((await second.ReceiveAckAsync())["error"]);
    }
}
