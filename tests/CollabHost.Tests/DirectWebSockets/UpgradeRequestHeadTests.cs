using System.Text;
using CollabHost.DirectWebSockets;

namespace CollabHost.Tests.DirectWebSockets;

/// <summary>
/// The handshakes the direct path reads itself, and the ones it leaves to ASP.NET Core's HTTP layer (null): anything
/// but a plain GET of /ws with one of each header it needs.
/// </summary>
public class UpgradeRequestHeadTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static readonly string[] Plain =
    [
        "Host: localhost:8080", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + Key, "Sec-WebSocket-Version: 13",
    ];

    private static UpgradeRequestHead? Parse(string requestLine, params string[] headers) =>
        UpgradeRequestHead.TryParse(Encoding.Latin1.GetBytes(requestLine + "\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n"));

    [Fact]
    public void A_plain_handshake_is_read_with_its_host_and_key()
    {
        UpgradeRequestHead? head = Parse("GET /ws HTTP/1.1", Plain);

        Assert.NotNull(head);
        Assert.Equal("localhost:8080", head.Host);
        Assert.Equal(Key, head.Key);
        Assert.Null(head.Origin);
        Assert.Null(head.QueryToken);
    }

    [Fact]
    public void Header_names_and_the_path_are_read_ignoring_case_and_other_headers_are_passed_over()
    {
        UpgradeRequestHead? head = Parse("GET /WS HTTP/1.1",
            "host: example.com", "UPGRADE: WebSocket", "connection: keep-alive, Upgrade", "sec-websocket-key: " + Key,
            "Sec-WebSocket-Version: 13", "User-Agent: test", "Sec-WebSocket-Extensions: permessage-deflate", "Cookie: a=b");

        Assert.NotNull(head);
        Assert.Equal("example.com", head.Host);
    }

    [Fact]
    public void The_origin_authorization_and_query_token_are_kept_for_the_checks()
    {
        UpgradeRequestHead? head = Parse("GET /ws?room=1&Token=abc.def.ghi HTTP/1.1",
            [.. Plain, "Origin: http://localhost:8080", "Authorization: Bearer xyz"]);

        Assert.NotNull(head);
        Assert.Equal("http://localhost:8080", head.Origin);
        Assert.Equal("Bearer xyz", head.Authorization);
        Assert.Equal("abc.def.ghi", head.QueryToken);
    }

    [Theory]
    [InlineData("POST /ws HTTP/1.1")]
    [InlineData("GET /ws HTTP/1.0")]
    [InlineData("GET /ws/ HTTP/1.1")]
    [InlineData("GET /wsx HTTP/1.1")]
    [InlineData("GET /api/ws HTTP/1.1")]
    [InlineData("GET http://localhost/ws HTTP/1.1")]
    [InlineData("GET /w%73 HTTP/1.1")]
    [InlineData("GET /ws?token=a%2Eb HTTP/1.1")] // needs decoding
    [InlineData("GET /ws?token=a+b HTTP/1.1")]
    [InlineData("GET /ws?token=a&token=b HTTP/1.1")] // ASP.NET Core would join the two
    [InlineData("GET  /ws HTTP/1.1")]
    [InlineData("GET /ws HTTP/1.1 ")]
    public void A_request_line_other_than_a_plain_GET_of_ws_is_left_to_the_http_layer(string requestLine) =>
        Assert.Null(Parse(requestLine, Plain));

    [Theory]
    [InlineData("Host: localhost:8080")] // a second Host
    [InlineData("Upgrade: websocket")]
    [InlineData("Connection: Upgrade")]
    [InlineData("Sec-WebSocket-Key: " + Key)]
    [InlineData("Sec-WebSocket-Version: 13")]
    [InlineData("Content-Length: 5")]
    [InlineData("Transfer-Encoding: chunked")]
    [InlineData("Expect: 100-continue")]
    [InlineData(" folded: continuation")]
    [InlineData("No-Colon")]
    [InlineData(": no name")]
    [InlineData("Name : space before the colon")]
    public void A_repeated_header_a_body_or_a_malformed_line_is_left_to_the_http_layer(string extra) =>
        Assert.Null(Parse("GET /ws HTTP/1.1", [.. Plain, extra]));

    [Fact]
    public void Two_origins_or_two_authorizations_are_left_to_the_http_layer()
    {
        Assert.Null(Parse("GET /ws HTTP/1.1", [.. Plain, "Origin: http://a", "Origin: http://b"]));
        Assert.Null(Parse("GET /ws HTTP/1.1", [.. Plain, "Authorization: Bearer a", "Authorization: Bearer b"]));
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version", "8")]
    [InlineData("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAA")] // 16 bytes without padding
    [InlineData("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")] // 15 bytes
    [InlineData("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA=")] // 17 bytes
    [InlineData("Upgrade", "h2c")]
    [InlineData("Connection", "keep-alive")]
    public void A_handshake_the_platform_would_refuse_is_left_to_the_http_layer(string name, string value)
    {
        string[] headers = Plain.Select(h => h.StartsWith(name + ":", StringComparison.Ordinal) ? name + ": " + value : h).ToArray();

        Assert.Null(Parse("GET /ws HTTP/1.1", headers));
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("Upgrade")]
    [InlineData("Connection")]
    [InlineData("Sec-WebSocket-Key")]
    [InlineData("Sec-WebSocket-Version")]
    public void A_handshake_missing_a_header_it_needs_is_left_to_the_http_layer(string name) =>
        Assert.Null(Parse("GET /ws HTTP/1.1", Plain.Where(h => !h.StartsWith(name + ":", StringComparison.Ordinal)).ToArray()));

    [Fact]
    public void A_byte_outside_printable_ascii_or_a_head_without_its_blank_line_is_left_to_the_http_layer()
    {
        Assert.Null(Parse("GET /ws HTTP/1.1", [.. Plain, "X-Name: caf\u00e9"]));
        Assert.Null(Parse("GET /ws HTTP/1.1", [.. Plain, "X-Name: a\u0001b"]));
        Assert.Null(UpgradeRequestHead.TryParse(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\n" + string.Join("\r\n", Plain) + "\r\n")));
    }

    [Fact]
    public void More_than_a_hundred_headers_are_left_to_the_http_layer()
    {
        string[] many = [.. Plain, .. Enumerable.Range(0, 96).Select(i => $"X-{i}: {i}")];

        Assert.NotNull(Parse("GET /ws HTTP/1.1", many[..100]));
        Assert.Null(Parse("GET /ws HTTP/1.1", many));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("G", true)]
    [InlineData("GET /", true)]
    [InlineData("GET /W", true)]
    [InlineData("GET /ws HTTP/1.1", true)]
    [InlineData("GET /wsx", true)] // decided when the head is complete
    [InlineData("get /ws", false)]
    [InlineData("POST /ws", false)]
    [InlineData("GET /api", false)]
    [InlineData("PRI * HTTP/2.0", false)]
    [InlineData("\u0016\u0003\u0001", false)] // a TLS ClientHello
    public void The_first_bytes_say_at_once_whether_a_request_can_be_a_handshake_for_ws(string start, bool can) =>
        Assert.Equal(can, UpgradeRequestHead.CanStartWith(Encoding.Latin1.GetBytes(start)));
}
