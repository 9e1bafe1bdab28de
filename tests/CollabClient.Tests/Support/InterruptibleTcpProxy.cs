using System.Net;
using System.Net.Sockets;

namespace CollabClient.Tests.Support;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a real server, for network-failure tests: it can stop passing the server's
/// bytes to clients (an ack "lost in the network") and cut every connection, as a broken link would.
/// </summary>
public sealed class InterruptibleTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _acceptLoop;
    private volatile bool _holdServerBytes;

    /// <summary>Relays to the server at <paramref name="target"/> (a ws:// URL on 127.0.0.1).</summary>
    public InterruptibleTcpProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The server's URL with the proxy's port: same path, so the server sees the request it expects.</summary>
    public Uri Url => new UriBuilder(_target) { Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.Uri;

    /// <summary>From now on, bytes from the server to the current clients are dropped.</summary>
    public void HoldServerBytes() => _holdServerBytes = true;

    /// <summary>Closes every relayed connection and passes bytes normally again for new ones.</summary>
    public void CutConnections()
    {
        lock (_connections)
        {
            foreach (TcpClient c in _connections) c.Client.Close(0);
            _connections.Clear();
        }
        _holdServerBytes = false;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            var server = new TcpClient { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target.Port, _stop.Token);
            }
            catch (Exception)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            lock (_connections) _connections.AddRange([client, server]);
            bool heldConnection = false;
            _ = PumpAsync(client, server, fromServer: false, () => heldConnection);
            _ = PumpAsync(server, client, fromServer: true, () => heldConnection = heldConnection || _holdServerBytes);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool fromServer, Func<bool> hold)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                if (fromServer && hold()) continue;
                await to.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception)
        {
            // A cut connection ends the pump; the other direction ends with it.
        }
        from.Client.Close(0);
        to.Client.Close(0);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        CutConnections();
        await _acceptLoop;
    }
}
