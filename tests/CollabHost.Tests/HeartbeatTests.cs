using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests;

/// <summary>One host with a short heartbeat: a ping every second, a peer silent for 2 s after a ping is gone.</summary>
public sealed class ShortHeartbeatHost : IAsyncLifetime
{
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan PongTimeout = TimeSpan.FromSeconds(2);

    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(
        $"--Collab:Connections:PingInterval={PingInterval:c}", $"--Collab:Connections:PongTimeout={PongTimeout:c}");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Heartbeat supervision of the real host: vanished peers are dropped in bounded time, idle live ones are kept.</summary>
public class HeartbeatTests(ShortHeartbeatHost fixture, ITestOutputHelper output) : IClassFixture<ShortHeartbeatHost>
{
    private static readonly TimeSpan Bound = ShortHeartbeatHost.PingInterval + ShortHeartbeatHost.PongTimeout;
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task A_raw_tcp_client_that_completes_the_handshake_and_goes_silent_is_dropped_within_the_heartbeat_bound()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", fixture.Host.Port);
        NetworkStream stream = tcp.GetStream();
        string request =
            $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{fixture.Host.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        using var cts = new CancellationTokenSource(Bound + Slack + TimeSpan.FromSeconds(5));
        string response = await ReadHttpHeadAsync(stream, cts.Token);
        Assert.StartsWith("HTTP/1.1 101", response);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response); // RFC 6455's own example
        var clock = Stopwatch.StartNew();

        // From here the client sends nothing, and only reads what the server writes until the server drops it.
        var opcodes = new List<int>();
        try
        {
            while (await ReadFrameOpcodeAsync(stream, cts.Token) is { } opcode) opcodes.Add(opcode);
        }
        catch (IOException)
        {
            // The server aborted the connection (a reset rather than an orderly end): dropped all the same.
        }
        TimeSpan droppedAfter = clock.Elapsed;
        output.WriteLine($"dropped after {droppedAfter.TotalMilliseconds:0} ms; frames seen: {string.Join(",", opcodes.Select(o => $"0x{o:x}"))}");

        Assert.Equal(0x1, opcodes[0]);            // the init message
        Assert.Contains(0x9, opcodes);            // it was pinged
        Assert.True(droppedAfter <= Bound + Slack, $"dropped after {droppedAfter}, bound {Bound}");
        Assert.True(droppedAfter >= ShortHeartbeatHost.PongTimeout, $"dropped too early, after {droppedAfter}");
        Assert.Equal(0, await fixture.Host.CountConnectionActorsAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task An_idle_client_websocket_that_keeps_receiving_stays_connected()
    {
        await using WireClient client = await WireClient.ConnectAsync(fixture.Host.WebSocketUrl);
        // ClientWebSocket answers pings itself while a receive is pending; the client sends nothing else.
        // (The receive's own timeout is longer than the watch: cancelling a receive aborts a WebSocket.)
        Task<(byte[], WebSocketMessageType)> receive = client.ReceiveFrameAsync(3 * Bound + TimeSpan.FromSeconds(30));
        await Task.WhenAny(receive, Task.Delay(3 * Bound));
        Assert.False(receive.IsCompleted, "the server sent something or dropped the idle client");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    private static async Task<string> ReadHttpHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, ct) == 0) throw new IOException("Closed during the handshake.");
            head.Append((char)one[0]);
            if (head.Length > 8192) throw new InvalidOperationException("Response head too long.");
        }
        return head.ToString();
    }

    /// <summary>Reads one server frame (unmasked) and returns its opcode; null at the end of the stream.</summary>
    private static async Task<int?> ReadFrameOpcodeAsync(NetworkStream stream, CancellationToken ct)
    {
        byte[] header = new byte[2];
        if (!await ReadExactlyOrEndAsync(stream, header, ct)) return null;
        long length = header[1] & 0x7F;
        if (length >= 126)
        {
            byte[] extended = new byte[length == 126 ? 2 : 8];
            if (!await ReadExactlyOrEndAsync(stream, extended, ct)) return null;
            length = 0;
            foreach (byte b in extended) length = (length << 8) | b;
        }
        byte[] payload = new byte[length];
        if (!await ReadExactlyOrEndAsync(stream, payload, ct)) return null;
        return header[0] & 0x0F;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(NetworkStream stream, byte[] buffer, CancellationToken ct)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }
}
