using System.Net;

namespace CollabHost.Tests.Security;

/// <summary>
/// The per-address connection limit behind a reverse proxy: X-Forwarded-For names the client only when the
/// connection comes from a trusted proxy (Collab:Limits:TrustedProxies), and only its last entry counts.
/// </summary>
public class ForwardedClientAddressTests
{
    private const string OnePerAddress = "--Collab:Limits:MaxConnectionsPerIp=1";

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit()
    {
        await using var host = await SecuredHost.StartAsync(false, OnePerAddress, "--Collab:Limits:TrustedProxies:0=127.0.0.1");
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "203.0.113.1");

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forwardedFor: "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forwardedFor: "203.0.113.1"));
    }

    [Fact]
    public async Task A_client_cannot_pick_its_address_by_writing_the_header_before_the_proxy_appends_its_own()
    {
        await using var host = await SecuredHost.StartAsync(false, OnePerAddress, "--Collab:Limits:TrustedProxies:0=127.0.0.0/8");
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "203.0.113.1");

        // The proxy appended 203.0.113.1 (the real client) to what the client sent.
        Assert.Equal(HttpStatusCode.TooManyRequests, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forwardedFor: "198.51.100.7, 203.0.113.1"));
    }

    [Fact]
    public async Task Without_trusted_proxies_the_header_is_ignored()
    {
        await using var host = await SecuredHost.StartAsync(false, OnePerAddress);
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "203.0.113.1");

        Assert.Equal(HttpStatusCode.TooManyRequests, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forwardedFor: "203.0.113.2"));
    }

    [Fact]
    public async Task A_peer_outside_the_trusted_networks_is_not_believed()
    {
        await using var host = await SecuredHost.StartAsync(false, OnePerAddress, "--Collab:Limits:TrustedProxies:0=10.0.0.0/8");
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: "203.0.113.1");

        Assert.Equal(HttpStatusCode.TooManyRequests, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forwardedFor: "203.0.113.2"));
    }

    [Fact]
    public void A_trusted_proxy_entry_that_is_not_an_address_or_network_stops_the_host_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            CollabHostApp.Build(["--urls", "http://127.0.0.1:0", "--Collab:Limits:TrustedProxies:0=proxy.example"]));
        Assert.Contains("proxy.example", error.Message);
    }
}
