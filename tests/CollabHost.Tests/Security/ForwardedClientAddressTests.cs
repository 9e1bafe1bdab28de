using System.Net;

namespace CollabHost.Tests.Security;

/// <summary>
/// The per-address connection limit behind a reverse proxy: X-Forwarded-For names the client only when the
/// connection comes from a trusted proxy (Collab:Limits:TrustedProxies), and only its last entry counts.
/// </summary>
public class ForwardedClientAddressTests
{
    private const string FirstClient = "203.0.113.1";

    /// <summary>
    /// A host that allows one connection per client address (trusting <paramref name="trustedProxy"/>, if any), with
    /// that one connection open for <see cref="FirstClient"/>; then the upgrade status of a second connection that
    /// claims <paramref name="forwardedFor"/>.
    /// </summary>
    private static async Task<HttpStatusCode> SecondUpgradeAsync(string? trustedProxy, string forwardedFor)
    {
        string[] settings = trustedProxy is null
            ? ["--Collab:Limits:MaxConnectionsPerIp=1"]
            : ["--Collab:Limits:MaxConnectionsPerIp=1", $"--Collab:Limits:TrustedProxies:0={trustedProxy}"];
        await using var host = await SecuredHost.StartAsync(false, settings);
        using var first = await ProtocolSocket.OpenAsync(host.WebSocketUrl, forwardedFor: FirstClient);
        return await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, forwardedFor: forwardedFor);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit()
    {
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await SecondUpgradeAsync("127.0.0.1", "203.0.113.2"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SecondUpgradeAsync("127.0.0.1", FirstClient));
    }

    [Fact]
    public async Task A_client_cannot_pick_its_address_by_writing_the_header_before_the_proxy_appends_its_own()
    {
        // The proxy appended the real client's address to what the client sent.
        Assert.Equal(HttpStatusCode.TooManyRequests, await SecondUpgradeAsync("127.0.0.0/8", "198.51.100.7, " + FirstClient));
    }

    [Fact]
    public async Task Without_trusted_proxies_the_header_is_ignored() =>
        Assert.Equal(HttpStatusCode.TooManyRequests, await SecondUpgradeAsync(null, "203.0.113.2"));

    [Fact]
    public async Task A_peer_outside_the_trusted_networks_is_not_believed() =>
        Assert.Equal(HttpStatusCode.TooManyRequests, await SecondUpgradeAsync("10.0.0.0/8", "203.0.113.2"));

    [Fact]
    public void A_trusted_proxy_entry_that_is_not_an_address_or_network_stops_the_host_at_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            CollabHostApp.Build(["--urls", "http://127.0.0.1:0", "--Collab:Limits:TrustedProxies:0=proxy.example"]));
        Assert.Contains("proxy.example", error.Message);
    }
}
