using System.Net;
using System.Net.Sockets;
using CollabDurabilityBench;

namespace CollabHost.Tests.Support;

/// <summary>
/// The ports hosts of these tests are started on: outside the range outgoing connections draw from, so a client's
/// socket cannot take one between its choice and the host's bind.
/// </summary>
public class FreeLoopbackPortsTests
{
    [Fact]
    public void Ports_are_below_the_kernels_ephemeral_range_and_distinct()
    {
        int ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0]);

        int[] ports = FreeLoopbackPorts.Take(6);

        Assert.Equal(6, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 10_000, ephemeralStart - 1));
    }

    [Fact]
    public void A_port_is_never_handed_out_twice_in_a_process()
    {
        var seen = new HashSet<int>();
        for (int call = 0; call < 50; call++)
            foreach (int port in FreeLoopbackPorts.Take(2))
                Assert.True(seen.Add(port), $"port {port} was handed out again");
    }

    [Fact]
    public void Every_port_handed_out_can_be_bound()
    {
        foreach (int port in FreeLoopbackPorts.Take(4))
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }
}
