using System.Net;
using System.Net.Sockets;

namespace CollabDurabilityBench;

/// <summary>
/// Free TCP ports on 127.0.0.1 for hosts a benchmark or test starts (HTTP and Akka remoting each need one); linked into
/// tests/CollabHost.Tests too. A port is free only until someone binds it: callers bind soon after.
/// </summary>
/// <remarks>
/// The ports come from below the kernel's ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>), never
/// from a bind to port 0. A port-0 bind hands out an ephemeral port, and that range is also where every outgoing
/// connection of the machine gets its local port: between this class letting go of a port and the host binding it,
/// a test's WebSocket client or a PostgreSQL connection could take it, and a node then died with "address already in
/// use" (seen in CI). Below the range, only another caller choosing ports the same way can collide, so each call
/// starts at a random port and this process never hands the same port out twice.
/// </remarks>
public static class FreeLoopbackPorts
{
    private const int Lowest = 10_000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary><paramref name="count"/> distinct ports, each bound once to check it is free.</summary>
    public static int[] Take(int count)
    {
        int end = EphemeralRangeStart();
        int span = end - Lowest;
        var ports = new List<int>(count);
        lock (HandedOut)
        {
            int start = Random.Shared.Next(span);
            for (int step = 0; step < span && ports.Count < count; step++)
            {
                int port = Lowest + (start + step) % span;
                if (HandedOut.Contains(port) || !IsFree(port)) continue;
                HandedOut.Add(port);
                ports.Add(port);
            }
        }
        return ports.Count == count
            ? ports.ToArray()
            : throw new InvalidOperationException($"only {ports.Count} of {count} free ports on 127.0.0.1 between {Lowest} and {end}");
    }

    /// <summary>The first port the kernel hands out on its own (32768 where the file cannot be read).</summary>
    private static int EphemeralRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            string[] range = File.ReadAllText(RangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (range.Length > 0 && int.TryParse(range[0], out int first) && first > Lowest + 1_000) return first;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 32_768;
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
