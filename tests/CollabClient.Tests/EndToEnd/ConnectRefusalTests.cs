using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace CollabClient.Tests.EndToEnd;

public sealed class ConnectRefusalTests
{
    [Theory]
    [InlineData("http://127.0.0.1:1/")]
    [InlineData("tcp://127.0.0.1:1/")]
    public async Task A_non_websocket_url_is_refused_before_connecting(string url)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => CollabConnection.ConnectAsync(new Uri(url)));
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_with_the_socket_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await Assert.ThrowsAnyAsync<WebSocketException>(() => CollabConnection.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/")));
    }

    [Fact]
    public async Task A_server_that_never_answers_the_handshake_times_out()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var options = new CollabClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CollabConnection.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), options));
        }
        finally
        {
            listener.Stop();
        }
    }
}
