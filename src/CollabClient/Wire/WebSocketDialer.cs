using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace CollabClient.Wire;

/// <summary>
/// Opens client WebSockets, optionally from a chosen source address. <see cref="ClientWebSocket"/> cannot bind a
/// local address itself, so the TCP connection is made here (bound, no Nagle delay) and handed to it through an
/// <see cref="HttpMessageInvoker"/> whose connect callback we own; one invoker per source address is shared.
/// </summary>
internal static class WebSocketDialer
{
    private static readonly ConcurrentDictionary<string, HttpMessageInvoker> Invokers = new();

    /// <summary>
    /// Opens a socket from <see cref="CollabClientOptions.LocalAddress"/> that pings a quiet server and gives up on one
    /// that does not answer (<see cref="CollabClientOptions.KeepAliveTimeout"/>: the platform aborts the socket, and the
    /// pending receive fails as for any lost connection).
    /// </summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, CollabClientOptions options, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
        try
        {
            await socket.ConnectAsync(uri, InvokerFor(options.LocalAddress), ct).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static HttpMessageInvoker InvokerFor(IPAddress? localAddress) =>
        Invokers.GetOrAdd(localAddress?.ToString() ?? "", _ => new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = (context, ct) => ConnectTcpAsync(context.DnsEndPoint, localAddress, ct),
            PooledConnectionLifetime = TimeSpan.Zero,
            UseProxy = false,
        }));

    private static async ValueTask<Stream> ConnectTcpAsync(DnsEndPoint endPoint, IPAddress? localAddress, CancellationToken ct)
    {
        IPAddress[] addresses = IPAddress.TryParse(endPoint.Host, out IPAddress? literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, ct).ConfigureAwait(false);
        IPAddress target = addresses.FirstOrDefault(a => localAddress is null || a.AddressFamily == localAddress.AddressFamily)
            ?? throw new SocketException((int)SocketError.AddressFamilyNotSupported);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (localAddress is not null) socket.Bind(new IPEndPoint(localAddress, 0));
            await socket.ConnectAsync(new IPEndPoint(target, endPoint.Port), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
