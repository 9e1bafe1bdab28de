using System.Net;
using System.Net.Sockets;

namespace CollabDurabilityBench;

/// <summary>
/// Free TCP ports on 127.0.0.1 for hosts a benchmark or test starts (HTTP and Akka remoting each need one); linked into
/// tests/CollabHost.Tests too. A port is free only until someone binds it: callers bind soon after.
/// </summary>
public static class FreeLoopbackPorts
{
    /// <summary><paramref name="count"/> distinct ports: each listener stays open until all are taken.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (TcpListener listener in listeners) listener.Start();
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (TcpListener listener in listeners) listener.Stop();
        }
    }
}
