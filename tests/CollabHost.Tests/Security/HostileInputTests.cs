using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using MessagePack;

namespace CollabHost.Tests.Security;

/// <summary>Messages built to exhaust the server: deep nesting, huge maps, and a client that stops reading.</summary>
public class HostileInputTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deeply_nested_message_gets_an_error_and_the_connection_keeps_serving(bool messagePack)
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        const int depth = 200_000;
        byte[] frame;
        if (messagePack)
        {
            frame = new byte[depth + 1];
            Array.Fill(frame, (byte)0x91); // a one-element array, depth times
            frame[depth] = 0xc0;
        }
        else frame = Encoding.UTF8.GetBytes("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"x\",\"v\":0,\"seq\":1,\"op\":" +
                                            new string('[', depth) + new string(']', depth) + "}");
        await client.Socket.SendAsync(frame, messagePack ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);
        JsonObject refused = await client.ReceiveAsync(m => m["error"] is not null);
        Assert.Equal("ERR_MESSAGE_BADLY_FORMED", (string?)refused["error"]!["code"]);

        // The answer comes in the encoding of the latest frame; switch back to JSON with the ping.
        await client.SendAsync(new JsonObject { ["a"] = "pp" });
        JsonObject pong = await client.ReceiveAsync(m => (string?)m["a"] == "pp");
        Assert.Null(pong["error"]);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task A_messagepack_map_with_tens_of_thousands_of_keys_is_answered_promptly()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        var message = new JsonObject { ["a"] = "pp" };
        for (int i = 0; i < 60_000; i++) message["k" + i] = i;
        byte[] frame = MessagePackSerializer.ConvertFromJson(message.ToJsonString());
        Assert.InRange(frame.Length, 500_000, 1024 * 1024);

        var clock = Stopwatch.StartNew();
        await client.Socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
        await client.SendAsync(new JsonObject { ["a"] = "pp" });
        await client.ReceiveAsync(m => (string?)m["a"] == "pp");
        // Read token by token into JSON, never into a hash table keyed by the client: linear in the keys.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_closed_with_1008_and_a_reading_editor_gets_every_op()
    {
        // The stalled client reads its close only after the writer's 500 ops, behind megabytes already in the kernel's
        // buffers; on a busy machine that is later than the default CloseTimeout (5 s), after which the server aborts
        // the socket and the close status is lost. The close timeout is not what this test is about: give it room.
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Connections:MaxQueuedFrames=50", "--Collab:Connections:OpsPerSecond=100000", "--Collab:Connections:OpBurst=100000",
            "--Collab:Connections:CloseTimeout=00:02:00");
        using var writer = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var reader = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        using var stalled = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await writer.CreateAsync("docs", "firehose", "");
        await writer.ReceiveAsync(m => (string?)m["a"] == "op");
        foreach (ProtocolSocket subscriber in new[] { reader, stalled })
        {
            await subscriber.SendAsync(new JsonObject { ["a"] = "s", ["c"] = "docs", ["d"] = "firehose" });
            await subscriber.ReceiveAsync(m => (string?)m["a"] == "s");
        }

        // Enough bytes to fill the kernel buffers between the server and a client that reads nothing.
        const int ops = 500;
        string chunk = new('x', 16 * 1024);
        var received = Task.Run(async () =>
        {
            for (int i = 0; i < ops; i++) await reader.ReceiveAsync(m => (string?)m["a"] == "op", TimeSpan.FromSeconds(60));
        });
        for (int v = 1; v <= ops; v++)
        {
            await writer.InsertAsync("docs", "firehose", v, chunk);
            Assert.Null((await writer.ReceiveAsync(m => (string?)m["a"] == "op"))["error"]);
        }
        await received;

        WebSocketCloseStatus? status = await stalled.ReceiveCloseAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
        Assert.Contains("Slow consumer", stalled.Socket.CloseStatusDescription);
    }
}
