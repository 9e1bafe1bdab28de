using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

public class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_host_closes_open_sockets_with_1001_going_away()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("docs", "closing", "text");
        await editor.ReceiveAsync(m => (string?)m["a"] == "op");

        Task stopping = host.App.StopAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await editor.ReceiveCloseAsync(TimeSpan.FromSeconds(20)));
        await stopping;
    }
}
