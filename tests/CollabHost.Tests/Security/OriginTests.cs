using System.Net;

namespace CollabHost.Tests.Security;

/// <summary>Cross-site WebSocket hijacking: only the host's own origin and the configured ones may upgrade.</summary>
public class OriginTests
{
    [Fact]
    public async Task A_cross_origin_upgrade_gets_403_and_same_listed_or_absent_origins_upgrade()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:AllowedOrigins:0=https://app.example.com");
        Uri ws = host.WebSocketUrl;

        Assert.Equal(HttpStatusCode.Forbidden, await ProtocolSocket.UpgradeStatusAsync(ws, origin: "https://evil.example.net"));
        Assert.Equal(HttpStatusCode.Forbidden, await ProtocolSocket.UpgradeStatusAsync(ws, origin: "http://app.example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, await ProtocolSocket.UpgradeStatusAsync(ws, origin: "null"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(ws, origin: "https://app.example.com"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(ws, origin: $"http://{ws.Authority}"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(ws));
    }

    [Fact]
    public async Task A_foreign_page_with_a_stolen_token_is_refused_with_403()
    {
        await using var host = await SecuredHost.StartAsync();
        string token = SecuredHost.Token("alice", write: ["*"]);
        Assert.Equal(HttpStatusCode.Forbidden, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, token, origin: "https://evil.example.net"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, token));
    }
}
