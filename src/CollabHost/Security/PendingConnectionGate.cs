using System.Net;
using CollabActors.Diagnostics;
using Microsoft.AspNetCore.Connections;

namespace CollabHost.Security;

/// <summary>What serves a TCP connection the <see cref="PendingConnectionGate"/> counted; the lease is its to give back when the connection closes.</summary>
public delegate Task CountedConnectionDelegate(ConnectionContext connection, PendingConnectionLimiter.Lease lease);

/// <summary>
/// Kestrel connection middleware in front of HTTP: every accepted TCP connection takes a place in the
/// <see cref="PendingConnectionLimiter"/> before a byte is read, and gives it back when it closes. One over a bound is
/// closed at once: no HTTP answer, since nothing of the request has been read, and its descriptor is free again.
/// <para>
/// The place (a lease) goes with the connection to what serves it, which gives it back at the connection's end: the
/// HTTP layer (<see cref="ServeOverHttpAsync"/>), or a WebSocket answered below it
/// (<see cref="DirectWebSockets.DirectWebSocketUpgrade"/>), whose session ends with the connection. So nothing here
/// waits for a connection's end: that wait was a suspended state machine per connection (120 bytes), and finding the
/// lease at the upgrade an entry per connection in a dictionary by connection id (48 bytes).
/// </para>
/// </summary>
public static class PendingConnectionGate
{
    public static ConnectionDelegate Wrap(CountedConnectionDelegate serve, PendingConnectionLimiter limiter) => connection =>
    {
        IPAddress? address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (limiter.TryOpen(address, out PendingConnectionLimiter.Lease? lease) is var refusal && refusal != PendingConnectionLimiter.Refusal.None)
        {
            CollabMetrics.MessageRejected(refusal switch
            {
                PendingConnectionLimiter.Refusal.AddressFull => "connect_pending_address_full",
                PendingConnectionLimiter.Refusal.NodeFull => "connect_pending_node_full",
                _ => "connect_descriptors_full",
            });
            connection.Abort(new ConnectionAbortedException("Too many connections waiting for their upgrade."));
            return Task.CompletedTask;
        }
        return serve(connection, lease!);
    };

    /// <summary>Kestrel's HTTP layer (<paramref name="http"/>) as what serves every counted connection.</summary>
    public static CountedConnectionDelegate OverHttp(ConnectionDelegate http) => (connection, lease) => ServeOverHttpAsync(http, connection, lease);

    /// <summary>
    /// Serves a counted connection on Kestrel's HTTP layer and gives its lease back when that is done with it. A WebSocket
    /// upgrade there finds the lease among its request's features (<c>HttpContext.Features</c> falls back to the
    /// connection's), to end its pending count (<see cref="WebSocketSessions.TryAdmit"/>).
    /// </summary>
    public static async Task ServeOverHttpAsync(ConnectionDelegate http, ConnectionContext connection, PendingConnectionLimiter.Lease lease)
    {
        connection.Features.Set(lease);
        using (lease)
        {
            await http(connection);
        }
    }
}
