using System.Net;
using System.Net.Sockets;
using System.Text;
using CollabHost.DirectWebSockets;
using CollabHost.Security;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Security;

/// <summary>
/// Connections that have not finished their upgrade are bounded per address and per node (issue 19 item 3: one
/// address opened 19,900 half-open requests and the process ran out of descriptors). A connection over a bound is
/// closed as soon as it is accepted; WebSockets no longer count; other addresses stay served.
/// </summary>
public class PendingConnectionTests
{
    /// <summary>A request that never ends: the request line and Host, but not the blank line after the headers.</summary>
    private static async Task<Socket> HalfOpenAsync(int port, IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // A refused connection may be reset while connecting or while this is written; ClosedByServerAsync tells.
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /ws HTTP/1.1\r\nHost: localhost:{port}\r\n"), cts.Token);
        }
        catch (SocketException)
        {
        }
        return socket;
    }

    /// <summary>Whether the server closed the socket within <paramref name="within"/> (it says nothing to a half-open request otherwise).</summary>
    private static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan within)
    {
        if (!socket.Connected) return true; // reset already
        using var cts = new CancellationTokenSource(within);
        try
        {
            return await socket.ReceiveAsync(new byte[256], cts.Token) == 0;
        }
        catch (SocketException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task WaitForPendingAsync(SecuredHost host, int count)
    {
        var limiter = host.App.Services.GetRequiredService<PendingConnectionLimiter>();
        for (int i = 0; i < 100 && limiter.Pending != count; i++) await Task.Delay(50);
        Assert.Equal(count, limiter.Pending);
    }

    private static void CloseAll(IEnumerable<Socket> sockets)
    {
        foreach (Socket s in sockets) s.Dispose();
    }

    [Fact]
    public async Task Half_open_requests_past_the_per_address_bound_are_closed_at_once_and_other_addresses_are_served()
    {
        await using var host = await SecuredHost.StartAsync(false, "--Collab:Limits:MaxPendingConnectionsPerIp=8");
        int port = host.HttpUrl.Port;
        IPAddress attacker = IPAddress.Parse("127.0.0.2");
        var held = new List<Socket>();
        try
        {
            for (int i = 0; i < 8; i++) held.Add(await HalfOpenAsync(port, attacker));
            await WaitForPendingAsync(host, 8);

            using (Socket over = await HalfOpenAsync(port, attacker))
                Assert.True(await ClosedByServerAsync(over, TimeSpan.FromSeconds(5)), "the ninth half-open request from one address was kept");
            Assert.False(await ClosedByServerAsync(held[0], TimeSpan.FromMilliseconds(200)));
            await Bystander.AssertServedAsync(host.WebSocketUrl); // from 127.0.0.1
            using (Socket other = await HalfOpenAsync(port, IPAddress.Parse("127.0.0.3")))
                Assert.False(await ClosedByServerAsync(other, TimeSpan.FromMilliseconds(500)));
        }
        finally
        {
            CloseAll(held);
        }

        // The places are given back when the sockets go.
        await WaitForPendingAsync(host, 0);
        using Socket again = await HalfOpenAsync(port, attacker);
        Assert.False(await ClosedByServerAsync(again, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Half_open_requests_from_many_addresses_stop_at_the_node_bound_and_websockets_do_not_count()
    {
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Limits:MaxPendingConnectionsPerIp=4", "--Collab:Limits:MaxPendingConnectionsPerNode=40");
        int port = host.HttpUrl.Port;

        // Ten WebSockets from one address, past its pending bound of 4: upgraded, they no longer count as pending.
        var sockets = new List<ProtocolSocket>();
        try
        {
            for (int i = 0; i < 10; i++) sockets.Add(await ProtocolSocket.OpenAsync(host.WebSocketUrl));
            await WaitForPendingAsync(host, 0);

            // Twenty addresses, five half-open requests each: four each would be eighty, the node keeps forty.
            var attempts = new List<(int Address, Socket Socket)>();
            try
            {
                for (int address = 10; address < 30; address++)
                {
                    for (int i = 0; i < 5; i++) attempts.Add((address, await HalfOpenAsync(port, IPAddress.Parse($"127.0.0.{address}"))));
                }
                bool[] closed = await Task.WhenAll(attempts.Select(a => ClosedByServerAsync(a.Socket, TimeSpan.FromSeconds(3))));
                var kept = attempts.Where((_, i) => !closed[i]).ToList();

                Assert.Equal(40, kept.Count);
                Assert.All(kept.GroupBy(a => a.Address), g => Assert.InRange(g.Count(), 1, 4));
                // The WebSockets opened before are still served while the node is full of half-open requests.
                await sockets[0].CreateAsync(Bystander.Collection, "during-the-flood", "still served");
                Assert.Null((await sockets[0].ReceiveAckAsync(TimeSpan.FromSeconds(30)))["error"]);
            }
            finally
            {
                CloseAll(attempts.Select(a => a.Socket));
            }
            await WaitForPendingAsync(host, 0);
            await Bystander.AssertServedAsync(host.WebSocketUrl);
        }
        finally
        {
            foreach (ProtocolSocket s in sockets) s.Dispose();
        }
    }

    [Theory]
    [InlineData(true)] // answered below the HTTP layer: the session gives the connection's place back
    [InlineData(false)] // answered through the HTTP request: the upgrade finds the place among the request's features
    public async Task A_websocket_stops_counting_as_pending_at_its_upgrade_and_as_open_when_it_closes(bool direct)
    {
        await using var host = await SecuredHost.StartAsync(false, $"--Collab:DirectWebSockets={direct}");
        var limiter = host.App.Services.GetRequiredService<PendingConnectionLimiter>();
        long openBefore = limiter.Open;

        var sockets = new List<ProtocolSocket>();
        for (int i = 0; i < 6; i++) sockets.Add(await ProtocolSocket.OpenAsync(host.WebSocketUrl));
        Assert.Equal(direct ? 6 : 0, host.App.Services.GetRequiredService<DirectWebSocketUpgrade>().Served);
        await WaitForPendingAsync(host, 0);
        await WaitForOpenAsync(limiter, openBefore + 6);

        // Half close the WebSocket way, half just drop the TCP connection.
        for (int i = 0; i < 3; i++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await sockets[i].Socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        }
        foreach (ProtocolSocket s in sockets) s.Dispose();
        await WaitForOpenAsync(limiter, openBefore);
        await WaitForPendingAsync(host, 0);
    }

    private static async Task WaitForOpenAsync(PendingConnectionLimiter limiter, long count)
    {
        for (int i = 0; i < 100 && limiter.Open != count; i++) await Task.Delay(50);
        Assert.Equal(count, limiter.Open);
    }

    [Fact]
    public async Task A_configuration_that_cannot_fit_under_the_descriptor_limit_is_warned_about_at_start()
    {
        long? limit = FileDescriptorLimit.Read();
        Assert.NotNull(limit); // read from /proc on Linux, where the host runs
        await using var host = await SecuredHost.StartAsync(false, $"--Collab:Limits:MaxConnectionsPerNode={limit}");

        Assert.Contains(host.Logs, line => line.Contains("file-descriptor limit", StringComparison.Ordinal)
                                           && line.Contains($"MaxConnectionsPerNode ({limit})", StringComparison.Ordinal));
    }

    [Fact]
    public void Connections_are_capped_below_the_descriptor_limit_with_headroom()
    {
        Assert.Equal(20_000 - 512, FileDescriptorLimit.OpenConnectionCap(20_000, 512));
        Assert.Equal(512, FileDescriptorLimit.OpenConnectionCap(1_024, 1_000)); // never more than half kept back
        Assert.Equal(long.MaxValue, FileDescriptorLimit.OpenConnectionCap(null, 512));

        var options = new ConnectionLimitOptions { MaxConnectionsPerNode = 20_000, MaxPendingConnectionsPerNode = 2_000 };
        Assert.NotNull(FileDescriptorLimit.MisfitWarning(20_000, options)); // the trial's machine: limit = connection cap
        Assert.Null(FileDescriptorLimit.MisfitWarning(1_048_576, options));
        Assert.Null(FileDescriptorLimit.MisfitWarning(null, options));
    }
}
