using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CollabHost.DirectWebSockets;
using Microsoft.Extensions.DependencyInjection;
using CollabHost.Tests.Security;

namespace CollabHost.Tests.DirectWebSockets;

/// <summary>
/// Plain handshakes for /ws are answered on Kestrel's connection, below ASP.NET Core's HTTP layer; every other
/// request, and every handshake that is refused, is answered by the HTTP layer exactly as before.
/// </summary>
public class DirectWebSocketUpgradeTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static long ServedBelowHttp(SecuredHost host) => host.App.Services.GetRequiredService<DirectWebSocketUpgrade>().Served;

    [Fact]
    public async Task A_plain_handshake_is_served_below_the_http_layer_and_the_session_works()
    {
        await using var host = await SecuredHost.StartAsync(false);

        await Bystander.AssertServedAsync(host.WebSocketUrl, within: TimeSpan.FromSeconds(5));

        Assert.Equal(1, ServedBelowHttp(host));
    }

    [Fact]
    public async Task The_answer_is_rfc_6455s_and_a_frame_sent_right_behind_the_head_reaches_the_session()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.HttpUrl.Port);
        NetworkStream stream = tcp.GetStream();

        // One write: the handshake and, before any answer, a fetch.
        byte[] head = Encoding.ASCII.GetBytes(Handshake(host.HttpUrl.Port));
        await stream.WriteAsync(head.Concat(MaskedTextFrame("""{"a":"f","c":"notes","d":"pipelined"}""")).ToArray());

        string answer = await ReadHeadAsync(stream);
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", answer);
        Assert.Contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", answer); // RFC 6455 §1.3's sample
        using WebSocket socket = WebSocket.CreateFromStream(stream, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        Assert.Equal("init", (string?)(await ReceiveJsonAsync(socket))["a"]);
        JsonObject fetched = await ReceiveJsonAsync(socket);
        Assert.Equal("f", (string?)fetched["a"]);
        Assert.Equal("pipelined", (string?)fetched["d"]);
        Assert.Equal(1, ServedBelowHttp(host));
    }

    [Fact]
    public async Task A_head_that_arrives_in_pieces_is_still_served_below_the_http_layer()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, host.HttpUrl.Port);
        NetworkStream stream = tcp.GetStream();
        string head = Handshake(host.HttpUrl.Port);

        foreach (string piece in (string[])[head[..3], head[3..6], head[6..40], head[40..]])
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(piece));
            await Task.Delay(50);
        }

        Assert.StartsWith("HTTP/1.1 101 ", await ReadHeadAsync(stream));
        using WebSocket socket = WebSocket.CreateFromStream(stream, isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        Assert.Equal("init", (string?)(await ReceiveJsonAsync(socket))["a"]);
        Assert.Equal(1, ServedBelowHttp(host));
    }

    [Fact]
    public async Task Other_requests_on_the_same_port_are_answered_by_the_http_layer_even_when_they_start_like_ws()
    {
        await using var host = await SecuredHost.StartAsync(false);
        int port = host.HttpUrl.Port;

        Assert.Equal(200, (await RawHttpRequest.SendAsync(port, "GET /healthz HTTP/1.1", [])).Status);
        Assert.Equal(404, (await RawHttpRequest.SendAsync(port, "GET /wsx HTTP/1.1", [])).Status);
        // A GET of /ws that is not an upgrade: the HTTP layer's 400, as before.
        Assert.Equal(400, (await RawHttpRequest.SendAsync(port, "GET /ws HTTP/1.1", [])).Status);
        // An upgrade of /ws that names a second key: refused by the platform with 400.
        Assert.Equal(400, (await RawHttpRequest.UpgradeAsync(port, "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: " + Key,
            "Sec-WebSocket-Key: " + Key)).Status);

        Assert.Equal(0, ServedBelowHttp(host));
        await Bystander.AssertServedAsync(host.WebSocketUrl, within: TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_client_that_leaves_in_the_middle_of_its_head_changes_nothing_for_the_others()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, host.HttpUrl.Port);
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nHost: loc"));
        }

        await Bystander.AssertServedAsync(host.WebSocketUrl, within: TimeSpan.FromSeconds(5));
        Assert.Equal(1, ServedBelowHttp(host));
    }

    [Fact]
    public async Task Refused_handshakes_get_the_http_layers_answers_and_are_not_served_below_it()
    {
        await using var host = await SecuredHost.StartAsync(true, "--Collab:AllowedOrigins:0=https://app.example.com");
        Uri ws = host.WebSocketUrl;
        string token = SecuredHost.Token("alice", write: ["*"]);

        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(ws));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(ws, token + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProtocolSocket.UpgradeStatusAsync(ws, SecuredHost.Token("bob", lifetime: TimeSpan.FromMinutes(-10))));
        Assert.Equal(HttpStatusCode.Forbidden, await ProtocolSocket.UpgradeStatusAsync(ws, token, origin: "https://evil.example.net"));
        Assert.Equal(400, (await RawHttpRequest.SendAsync(host.HttpUrl.Port, "GET /ws?token=" + token + " HTTP/1.1",
            ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: " + Key, "Host: evil.example"])).Status);
        Assert.Equal(0, ServedBelowHttp(host));

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(ws, token));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(ws, token, bearerHeader: true));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(ws, token, origin: "https://app.example.com"));
        Assert.Equal(3, ServedBelowHttp(host));
    }

    [Fact]
    public async Task A_token_grants_below_the_http_layer_what_it_grants_through_it()
    {
        await using var host = await SecuredHost.StartAsync(true);
        using var reader = await ProtocolSocket.OpenAsync(host.WebSocketUrl, SecuredHost.Token("reader", read: ["notes/*"]));

        await reader.CreateAsync("notes", "granted", "");
        JsonObject refused = await reader.ReceiveAckAsync(TimeSpan.FromSeconds(15));

        Assert.NotNull(refused["error"]);
        Assert.Equal(1, ServedBelowHttp(host));
    }

    [Fact]
    public async Task Connection_limits_hold_below_the_http_layer()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Limits:MaxConnectionsPerIp=1");
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl);

        Assert.Equal((HttpStatusCode)429, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl));
        Assert.Equal(1, ServedBelowHttp(host));
    }

    [Fact]
    public async Task A_connection_from_a_trusted_proxy_goes_through_the_http_layer_which_reads_x_forwarded_for()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Limits:TrustedProxies:0=127.0.0.1");

        await Bystander.AssertServedAsync(host.WebSocketUrl, within: TimeSpan.FromSeconds(5));

        Assert.Equal(0, ServedBelowHttp(host));
    }

    [Fact]
    public async Task Turned_off_every_handshake_goes_through_the_http_layer_and_sessions_work_as_before()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:DirectWebSockets=false");

        await Bystander.AssertServedAsync(host.WebSocketUrl, within: TimeSpan.FromSeconds(5));
        Assert.Equal((HttpStatusCode)101, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl));

        Assert.Equal(0, ServedBelowHttp(host));
    }

    private static string Handshake(int port) =>
        $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n";

    /// <summary>A client's text frame (RFC 6455 §5.2): final, masked, a payload under 126 bytes.</summary>
    private static byte[] MaskedTextFrame(string text)
    {
        byte[] payload = Encoding.UTF8.GetBytes(text);
        byte[] mask = [0x12, 0x34, 0x56, 0x78];
        var frame = new byte[6 + payload.Length];
        frame[0] = 0x81;
        frame[1] = (byte)(0x80 | payload.Length);
        mask.CopyTo(frame, 2);
        for (int i = 0; i < payload.Length; i++) frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        return frame;
    }

    /// <summary>The answer's head, read a byte at a time so nothing after it is taken from the WebSocket.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var head = new StringBuilder();
        var one = new byte[1];
        while (head.Length < 4096 && !head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0) break;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    private static async Task<JsonObject> ReceiveJsonAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        int length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
        } while (!result.EndOfMessage);
        return JsonNode.Parse(buffer.AsSpan(0, length))!.AsObject();
    }
}
