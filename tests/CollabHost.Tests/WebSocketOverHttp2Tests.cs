using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests;

/// <summary>
/// A host serving TLS itself (a certificate made for the test) with a short heartbeat: a ping every second, a peer
/// silent for 2 s after a ping is gone, as <see cref="ShortHeartbeatHost"/> but over https; and Kestrel's request body
/// limit lowered to <see cref="MaxRequestBodyBytes"/>, which a WebSocket's frames must not count against.
/// </summary>
public sealed class TlsHost : IAsyncLifetime
{
    public const int MaxRequestBodyBytes = 64 * 1024;

    public TestCertificate Certificate { get; } = TestCertificate.Create();

    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartTlsAsync(Certificate,
        $"--Collab:Connections:PingInterval={ShortHeartbeatHost.PingInterval:c}",
        $"--Collab:Connections:PongTimeout={ShortHeartbeatHost.PongTimeout:c}",
        $"--Kestrel:Limits:MaxRequestBodySize={MaxRequestBodyBytes}");

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Certificate.Dispose();
    }
}

/// <summary>
/// WebSockets over HTTP/2 (RFC 8441 extended CONNECT), as browsers open them when Kestrel serves TLS itself: the
/// handshake, the ShareDB session, the refusals and the heartbeat work on it as on an HTTP/1.1 upgrade.
/// </summary>
public class WebSocketOverHttp2Tests(TlsHost fixture, ITestOutputHelper output) : IClassFixture<TlsHost>
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";
    private static readonly TimeSpan Bound = ShortHeartbeatHost.PingInterval + ShortHeartbeatHost.PongTimeout;
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1.5);

    private static void Http2Only(ClientWebSocketOptions options)
    {
        options.HttpVersion = HttpVersion.Version20;
        options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
    }

    private Task<WireClient> ConnectOverHttp2Async(HttpMessageInvoker invoker) =>
        WireClient.ConnectAsync(fixture.Host.WebSocketUrl, invoker, Http2Only);

    [Fact]
    public async Task A_ClientWebSocket_over_HTTP2_completes_the_ShareDB_handshake_and_its_create_is_committed()
    {
        using var invoker = new HttpMessageInvoker(fixture.Certificate.TrustingHandler());
        double acceptedBefore = await AcceptedOverAsync(invoker, "HTTP/2");

        await using WireClient client = await ConnectOverHttp2Async(invoker);

        Assert.Equal(HttpStatusCode.OK, client.HandshakeStatus); // an extended CONNECT is answered 200; an upgrade, 101
        JsonElement hs = await client.RequestAsync("""{"a":"hs","id":null,"protocol":1,"protocolMinor":2}""");
        Assert.Equal("hs", hs.GetProperty("a").GetString());
        Assert.False(string.IsNullOrEmpty(hs.GetProperty("id").GetString()));
        string doc = "h2-" + Guid.NewGuid().ToString("N");
        JsonElement ack = await client.RequestAsync(JsonSerializer.Serialize(new
        {
            a = "op", c = "docs", d = doc, v = 0, seq = 1, create = new { type = TextUnicode, data = "over HTTP/2" },
        }));
        Assert.False(ack.TryGetProperty("error", out _), ack.ToString());
        Assert.Equal(1, (await fixture.Host.StatusAsync("docs", doc)).Version);
        Assert.True(await AcceptedOverAsync(invoker, "HTTP/2") >= acceptedBefore + 1, "the server did not count an HTTP/2 WebSocket");
    }

    [Fact]
    public async Task An_HTTP2_WebSocket_carries_more_than_the_request_body_limit()
    {
        // Over HTTP/2 the client's frames are the body of the CONNECT request: Kestrel's body limit must not end it.
        using var invoker = new HttpMessageInvoker(fixture.Certificate.TrustingHandler());
        await using WireClient client = await ConnectOverHttp2Async(invoker);
        string doc = "h2-body-" + Guid.NewGuid().ToString("N");
        JsonElement created = await client.RequestAsync(JsonSerializer.Serialize(new
        {
            a = "op", c = "docs", d = doc, v = 0, seq = 1, create = new { type = TextUnicode, data = "" },
        }));
        Assert.False(created.TryGetProperty("error", out _), created.ToString());

        const int Ops = 20;
        string piece = new('x', 8 * 1024);
        for (int i = 1; i <= Ops; i++)
        {
            JsonElement ack = await client.RequestAsync(
                $$"""{"a":"op","c":"docs","d":"{{doc}}","v":{{i}},"seq":{{i + 1}},"op":["{{piece}}"]}""");
            Assert.False(ack.TryGetProperty("error", out _), ack.ToString());
        }

        Assert.True(Ops * piece.Length > 2 * TlsHost.MaxRequestBodyBytes);
        Assert.Equal(Ops + 1, (await fixture.Host.StatusAsync("docs", doc)).Version);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    [Fact]
    public async Task An_HTTP11_upgrade_to_the_same_TLS_host_still_works()
    {
        using var invoker = new HttpMessageInvoker(fixture.Certificate.TrustingHandler());
        await using WireClient client = await WireClient.ConnectAsync(fixture.Host.WebSocketUrl, invoker, options =>
        {
            options.HttpVersion = HttpVersion.Version11;
            options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });

        Assert.Equal(HttpStatusCode.SwitchingProtocols, client.HandshakeStatus);
        Assert.Equal("pp", (await client.RequestAsync("""{"a":"pp"}""")).GetProperty("a").GetString());
    }

    [Theory]
    [InlineData("8")]
    [InlineData("14")]
    public async Task An_extended_CONNECT_with_a_version_other_than_13_gets_426_naming_version_13(string version)
    {
        using var invoker = new HttpMessageInvoker(fixture.Certificate.TrustingHandler());
        using var request = new HttpRequestMessage(HttpMethod.Connect, new Uri(fixture.Host.HttpUrl, "/ws"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Protocol = "websocket";
        request.Headers.Add("Sec-WebSocket-Version", version);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        using HttpResponseMessage response = await invoker.SendAsync(request, cts.Token);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", string.Join(",", response.Headers.GetValues("Sec-WebSocket-Version")));
        // The refusal ends that stream only: the same HTTP/2 connection serves a WebSocket next.
        await using WireClient bystander = await ConnectOverHttp2Async(invoker);
        Assert.Equal("pp", (await bystander.RequestAsync("""{"a":"pp"}""")).GetProperty("a").GetString());
    }

    [Fact]
    public async Task An_HTTP2_WebSocket_that_stops_answering_pings_is_dropped_within_the_heartbeat_bound()
    {
        using var invoker = new HttpMessageInvoker(fixture.Certificate.TrustingHandler());
        WireClient silent = await ConnectOverHttp2Async(invoker);
        // A ClientWebSocket answers pings only while it reads; from here it reads nothing, so it answers nothing.
        var clock = Stopwatch.StartNew();
        Assert.True(await fixture.Host.CountConnectionActorsAsync(TimeSpan.FromSeconds(0.5)) >= 1, "the server holds no connection");

        while (await fixture.Host.CountConnectionActorsAsync(TimeSpan.FromSeconds(0.3)) > 0 && clock.Elapsed < Bound + Slack + Slack) { }
        TimeSpan droppedAfter = clock.Elapsed;
        output.WriteLine($"dropped after {droppedAfter.TotalMilliseconds:0} ms");

        Assert.True(droppedAfter <= Bound + Slack, $"dropped after {droppedAfter}, bound {Bound}");
        Assert.True(droppedAfter >= ShortHeartbeatHost.PongTimeout, $"dropped too early, after {droppedAfter}");
        // The stream was reset under it: its next read fails, it is not left waiting.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            (_, WebSocketMessageType type) = await silent.ReceiveFrameAsync(TimeSpan.FromSeconds(5));
            while (type != WebSocketMessageType.Close) (_, type) = await silent.ReceiveFrameAsync(TimeSpan.FromSeconds(5));
            throw new WebSocketException("closed");
        });
        await silent.DisposeAsync();
    }

    [Fact]
    public async Task An_idle_HTTP2_WebSocket_that_keeps_receiving_stays_connected()
    {
        using var invoker = new HttpMessageInvoker(fixture.Certificate.TrustingHandler());
        await using WireClient client = await ConnectOverHttp2Async(invoker);

        // It answers the pings (a receive is pending) and sends nothing else. Cancelling a receive aborts a
        // WebSocket, so the receive's own timeout is longer than the watch.
        Task<(byte[], WebSocketMessageType)> receive = client.ReceiveFrameAsync(3 * Bound + TimeSpan.FromSeconds(30));
        await Task.WhenAny(receive, Task.Delay(3 * Bound));

        Assert.False(receive.IsCompleted, "the server sent something or dropped the idle client");
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }

    /// <summary><c>collab_websockets_accepted_total</c> for one protocol, read from the host's /metrics.</summary>
    private async Task<double> AcceptedOverAsync(HttpMessageInvoker invoker, string protocol)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.HttpUrl, "/metrics"));
        using HttpResponseMessage response = await invoker.SendAsync(request, CancellationToken.None);
        string text = await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
        string prefix = $"collab_websockets_accepted_total{{protocol=\"{protocol}\"}} ";
        string line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
