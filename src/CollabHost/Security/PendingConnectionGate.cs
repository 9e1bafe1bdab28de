using System.Net;
using CollabActors.Diagnostics;
using Microsoft.AspNetCore.Connections;

namespace CollabHost.Security;

/// <summary>
/// Kestrel connection middleware in front of HTTP: every accepted TCP connection takes a place in the
/// <see cref="PendingConnectionLimiter"/> before a byte is read, and gives it back when it closes. One over a bound is
/// closed at once: no HTTP answer, since nothing of the request has been read, and its descriptor is free again.
/// </summary>
public static class PendingConnectionGate
{
    public static ConnectionDelegate Wrap(ConnectionDelegate next, PendingConnectionLimiter limiter) => async connection =>
    {
        IPAddress? address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (limiter.TryOpen(connection.ConnectionId, address, out IDisposable? lease) is var refusal && refusal != PendingConnectionLimiter.Refusal.None)
        {
            CollabMetrics.MessageRejected(refusal switch
            {
                PendingConnectionLimiter.Refusal.AddressFull => "connect_pending_address_full",
                PendingConnectionLimiter.Refusal.NodeFull => "connect_pending_node_full",
                _ => "connect_descriptors_full",
            });
            connection.Abort(new ConnectionAbortedException("Too many connections waiting for their upgrade."));
            return;
        }
        using (lease)
        {
            await next(connection);
        }
    };
}
