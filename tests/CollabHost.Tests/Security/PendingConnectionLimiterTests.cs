using System.Net;
using CollabHost.Security;

namespace CollabHost.Tests.Security;

/// <summary>
/// The pending-connection limiter's counts on their own: a connection is pending from its accept until its upgrade or
/// its close, and open until its close; each step counts once, and a refused connection counts nothing.
/// </summary>
public class PendingConnectionLimiterTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress OtherClient = IPAddress.Parse("192.0.2.2");
    private static readonly IPAddress Proxy = IPAddress.Parse("192.0.2.100");

    private static PendingConnectionLimiter Limiter(int perAddress = 10, int perNode = 100, long open = 1000) =>
        new(perAddress, perNode, open, address => address.Equals(Proxy));

    private static PendingConnectionLimiter.Lease Open(PendingConnectionLimiter limiter, IPAddress address)
    {
        Assert.Equal(PendingConnectionLimiter.Refusal.None, limiter.TryOpen(address, out PendingConnectionLimiter.Lease? lease));
        return lease!;
    }

    [Fact]
    public void A_connection_is_pending_until_its_upgrade_and_open_until_it_closes()
    {
        PendingConnectionLimiter limiter = Limiter();

        PendingConnectionLimiter.Lease lease = Open(limiter, Client);
        Assert.Equal((1, 1L), (limiter.Pending, limiter.Open));

        lease.Upgraded();
        Assert.Equal((0, 1L), (limiter.Pending, limiter.Open));

        lease.Dispose();
        Assert.Equal((0, 0L), (limiter.Pending, limiter.Open));
    }

    [Fact]
    public void A_connection_that_closes_before_any_upgrade_stops_counting_as_both()
    {
        PendingConnectionLimiter limiter = Limiter();

        Open(limiter, Client).Dispose();

        Assert.Equal((0, 0L), (limiter.Pending, limiter.Open));
    }

    [Fact]
    public void Each_step_counts_once_however_often_it_is_taken()
    {
        PendingConnectionLimiter limiter = Limiter(perAddress: 2);
        PendingConnectionLimiter.Lease first = Open(limiter, Client);
        Open(limiter, Client);

        // Over HTTP/2 one connection can carry several WebSocket upgrades; the session and the HTTP layer may both close it.
        first.Upgraded();
        first.Upgraded();
        Assert.Equal(1, limiter.Pending);
        Open(limiter, Client);
        Assert.Equal(PendingConnectionLimiter.Refusal.AddressFull, limiter.TryOpen(Client, out _)); // the address has two pending again

        first.Dispose();
        first.Dispose();
        Assert.Equal((2, 2L), (limiter.Pending, limiter.Open));
    }

    [Fact]
    public void A_refused_connection_counts_nothing()
    {
        PendingConnectionLimiter limiter = Limiter(perAddress: 1, perNode: 2, open: 3);
        Open(limiter, Client);

        Assert.Equal(PendingConnectionLimiter.Refusal.AddressFull, limiter.TryOpen(Client, out PendingConnectionLimiter.Lease? none));
        Assert.Null(none);
        Open(limiter, OtherClient);
        Assert.Equal(PendingConnectionLimiter.Refusal.NodeFull, limiter.TryOpen(IPAddress.Parse("192.0.2.3"), out _));
        Assert.Equal((2, 2L), (limiter.Pending, limiter.Open));
    }

    [Fact]
    public void Upgraded_connections_still_count_against_the_descriptors_until_they_close()
    {
        PendingConnectionLimiter limiter = Limiter(open: 2);
        PendingConnectionLimiter.Lease first = Open(limiter, Client);
        Open(limiter, OtherClient).Upgraded();
        first.Upgraded();

        Assert.Equal(PendingConnectionLimiter.Refusal.DescriptorsFull, limiter.TryOpen(Client, out _));
        first.Dispose();
        Open(limiter, Client);
    }

    [Fact]
    public void A_trusted_proxy_counts_for_the_node_only()
    {
        PendingConnectionLimiter limiter = Limiter(perAddress: 1, perNode: 3);
        PendingConnectionLimiter.Lease[] viaProxy = [Open(limiter, Proxy), Open(limiter, Proxy), Open(limiter, Proxy)];

        Assert.Equal(PendingConnectionLimiter.Refusal.NodeFull, limiter.TryOpen(Proxy, out _));
        foreach (PendingConnectionLimiter.Lease lease in viaProxy) lease.Dispose();
        Assert.Equal((0, 0L), (limiter.Pending, limiter.Open));
    }
}
