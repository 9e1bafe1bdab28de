using System.Net.Sockets;
using System.Text;

namespace CollabHost.Tests.Security;

/// <summary>
/// DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends Host and Origin both naming
/// evil.example. Only configured host names (loopback ones when nothing is configured) are served.
/// </summary>
public class DnsRebindingTests
{
    [Fact]
    public async Task By_default_a_request_for_another_host_name_is_refused_and_loopback_names_are_served()
    {
        await using var host = await SecuredHost.StartAsync(false);
        int port = host.HttpUrl.Port;

        Assert.Equal(400, await UpgradeStatusAsync(port, $"evil.example:{port}", $"http://evil.example:{port}"));
        Assert.Equal(400, await UpgradeStatusAsync(port, $"evil.example:{port}", origin: null));
        Assert.Equal(400, await StatusAsync(port, "GET /api/docs/docs/x HTTP/1.1", $"evil.example:{port}"));
        Assert.Equal(101, await UpgradeStatusAsync(port, $"localhost:{port}", $"http://localhost:{port}"));
        Assert.Equal(101, await UpgradeStatusAsync(port, $"127.0.0.1:{port}", $"http://127.0.0.1:{port}"));
        Assert.Equal(101, await UpgradeStatusAsync(port, $"[::1]:{port}", origin: null));
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task A_configured_host_name_is_served_and_its_origin_allowed_while_others_are_refused()
    {
        await using var host = await SecuredHost.StartAsync(false, "--AllowedHosts=collab.example;*.team.example");
        int port = host.HttpUrl.Port;

        Assert.Equal(101, await UpgradeStatusAsync(port, $"collab.example:{port}", $"http://collab.example:{port}"));
        Assert.Equal(101, await UpgradeStatusAsync(port, $"eu.team.example:{port}", $"http://eu.team.example:{port}"));
        Assert.Equal(400, await UpgradeStatusAsync(port, $"evil.example:{port}", $"http://evil.example:{port}"));
        Assert.Equal(400, await UpgradeStatusAsync(port, $"127.0.0.1:{port}", origin: null));
        // A listed Host does not make a foreign Origin the host's own.
        Assert.Equal(403, await UpgradeStatusAsync(port, $"collab.example:{port}", $"http://evil.example:{port}"));
    }

    /// <summary>The status line's code for a WebSocket upgrade of /ws with these Host and Origin headers.</summary>
    private static Task<int> UpgradeStatusAsync(int port, string hostHeader, string? origin) =>
        StatusAsync(port, "GET /ws HTTP/1.1", hostHeader,
            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Key: " + Convert.ToBase64String(Guid.NewGuid().ToByteArray()),
            origin is null ? "" : "Origin: " + origin);

    private static async Task<int> StatusAsync(int port, string requestLine, string hostHeader, params string[] headers)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, cts.Token);
        NetworkStream stream = tcp.GetStream();
        string request = requestLine + "\r\nHost: " + hostHeader + "\r\n"
                         + string.Concat(headers.Where(h => h.Length > 0).Select(h => h + "\r\n")) + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cts.Token);
        var buffer = new byte[1024];
        var head = new StringBuilder();
        // The status line is all we need; bounded by the buffer count and the timeout.
        for (int reads = 0; reads < 64 && !head.ToString().Contains("\r\n"); reads++)
        {
            int n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0) break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        string[] statusLine = head.ToString().Split("\r\n")[0].Split(' ');
        return int.Parse(statusLine[1]);
    }
}
