using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace CollabHost.Tests.Security;

/// <summary>Floods: per-connection token buckets for messages and ops, connections per address and per node.</summary>
public class RateLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Messages_over_the_rate_get_an_error_and_a_client_that_keeps_on_is_closed_with_1008()
    {
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Connections:MessagesPerSecond=5", "--Collab:Connections:MessageBurst=20", "--Collab:Connections:RateLimitStrikes=30",
            "--Collab:Connections:MaxDelayedMessages=0"); // refused at once: what waits is HonestClientTests' subject
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        // The handshake took one token: 19 more pings fit the burst, the rest are refused.
        for (int i = 0; i < 30; i++) await client.SendAsync(new JsonObject { ["a"] = "pp" });
        int pongs = 0, refused = 0;
        while (pongs + refused < 30)
        {
            JsonObject reply = await client.ReceiveAsync(m => (string?)m["a"] == "pp");
            if (reply["error"] is JsonObject error)
            {
                Assert.Equal("ERR_RATE_LIMITED", (string?)error["code"]);
                refused++;
            }
            else pongs++;
        }
        Assert.InRange(pongs, 19, 21);

        for (int i = 0; i < 40; i++) await client.SendAsync(new JsonObject { ["a"] = "pp" });
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ReceiveCloseAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Ops_over_the_op_rate_are_refused_and_change_nothing()
    {
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Connections:OpsPerSecond=0.5", "--Collab:Connections:OpBurst=4", "--Collab:Connections:MaxDelayedMessages=0");
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await client.CreateAsync("docs", "limited", "");
        for (int i = 0; i < 9; i++) await client.InsertAsync("docs", "limited", 1, "x");
        int acked = 0, refused = 0;
        while (acked + refused < 10)
        {
            JsonObject reply = await client.ReceiveAsync(m => (string?)m["a"] == "op");
            if (reply["error"] is JsonObject error)
            {
                Assert.Equal("ERR_RATE_LIMITED", (string?)error["code"]);
                refused++;
            }
            else acked++;
        }
        Assert.Equal(4, acked);
        await client.FetchAsync("docs", "limited");
        JsonObject fetched = await client.ReceiveAsync(m => (string?)m["a"] == "f");
        Assert.Equal(4, (long)fetched["data"]!["v"]!);
        Assert.Equal("xxx", (string?)fetched["data"]!["data"]);
    }

    [Fact]
    public async Task A_flooding_client_is_cut_off_and_other_editors_keep_being_served_without_much_delay()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("docs", "busy", "");
        await editor.ReceiveAsync(m => (string?)m["a"] == "op");
        long version = 1;

        async Task<double> MedianAckMillisecondsAsync(int ops)
        {
            var latencies = new List<double>();
            for (int i = 0; i < ops; i++)
            {
                // A fast typist: 25 keystrokes a second, under the per-connection op rate.
                await Task.Delay(40);
                long start = Stopwatch.GetTimestamp();
                await editor.InsertAsync("docs", "busy", version, "k");
                JsonObject ack = await editor.ReceiveAckAsync();
                Assert.True(ack["error"] is null, ack.ToJsonString());
                version = (long)ack["v"]! + 1;
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            latencies.Sort();
            return latencies[latencies.Count / 2];
        }

        await MedianAckMillisecondsAsync(10); // warm-up: JIT, the document actor, the journal
        double baseline = await MedianAckMillisecondsAsync(40);

        using var flooder = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var stopFlood = new CancellationTokenSource();
        Task flood = Task.Run(async () =>
        {
            long seq = 0;
            try
            {
                while (!stopFlood.IsCancellationRequested)
                {
                    await flooder.SendAsync(new JsonObject { ["a"] = "op", ["c"] = "docs", ["d"] = "busy", ["v"] = 1, ["seq"] = ++seq, ["op"] = new JsonArray("spam") });
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server cut the flooder off.
            }
        });
        double underFlood = await MedianAckMillisecondsAsync(40);
        WebSocketCloseStatus? flooderClose = await flooder.ReceiveCloseAsync(TimeSpan.FromSeconds(20));
        stopFlood.Cancel();
        await flood;

        output.WriteLine($"median ack: {baseline:F1} ms before the flood, {underFlood:F1} ms during it; flooder closed with {flooderClose}");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, flooderClose);
        // Generous: the machine is shared, so only a gross slowdown fails this, never noise.
        Assert.True(underFlood <= baseline * 10 + 50, $"median ack {underFlood:F1} ms under the flood vs {baseline:F1} ms before");
        double after = await MedianAckMillisecondsAsync(10);
        Assert.True(after <= baseline * 10 + 50, $"median ack {after:F1} ms after the flood vs {baseline:F1} ms before");
    }

    [Fact]
    public async Task A_bulk_request_over_the_document_limit_is_refused_and_a_bulk_takes_a_token_per_ten_documents()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Connections:MaxBulkDocuments=100",
            "--Collab:Connections:MessagesPerSecond=0.1", "--Collab:Connections:MessageBurst=20", "--Collab:Connections:MaxDelayedMessages=0");
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        JsonArray Ids(int n) => new(Enumerable.Range(0, n).Select(i => (JsonNode?)JsonValue.Create("d" + i)).ToArray());

        await client.SendAsync(new JsonObject { ["a"] = "bf", ["c"] = "many", ["b"] = Ids(101) });
        JsonObject refused = await client.ReceiveAsync(m => (string?)m["a"] == "bf");
        Assert.Equal("ERR_BULK_TOO_LARGE", (string?)refused["error"]!["code"]);

        // 20 tokens: the handshake took 1, the refused bulk 11; a bulk of 70 takes 8 and fits, then one more does not.
        await client.SendAsync(new JsonObject { ["a"] = "bf", ["c"] = "many", ["b"] = Ids(70) });
        JsonObject fetched = await client.ReceiveAsync(m => (string?)m["a"] == "bf");
        Assert.Null(fetched["error"]);
        Assert.Equal(70, fetched["data"]!.AsObject().Count);
        await client.SendAsync(new JsonObject { ["a"] = "bf", ["c"] = "many", ["b"] = Ids(10) });
        Assert.Equal("ERR_RATE_LIMITED", (string?)(await client.ReceiveAsync(m => (string?)m["a"] == "bf"))["error"]!["code"]);
    }

    [Fact]
    public async Task Connections_beyond_the_per_address_limit_get_429_until_one_closes()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Limits:MaxConnectionsPerIp=3");
        var open = new List<ProtocolSocket>();
        for (int i = 0; i < 3; i++) open.Add(await ProtocolSocket.OpenAsync(host.WebSocketUrl));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl));

        await open[0].Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        open[0].Dispose();
        Assert.True(await EventuallyAsync(async () =>
            await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl) == HttpStatusCode.SwitchingProtocols));
        foreach (ProtocolSocket socket in open.Skip(1)) socket.Dispose();
    }

    [Fact]
    public async Task Connections_beyond_the_per_node_limit_get_503()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Limits:MaxConnectionsPerNode=2");
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var second = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl));
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            if (await condition()) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
