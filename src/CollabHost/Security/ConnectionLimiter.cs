using System.Net;

namespace CollabHost.Security;

/// <summary>Counts open WebSockets per remote address and for the node; a lease is taken before the upgrade and returned when the socket ends.</summary>
public sealed class ConnectionLimiter(ConnectionLimitOptions options)
{
    private readonly Dictionary<IPAddress, int> _perAddress = new();
    private readonly object _lock = new();
    private int _total;

    public enum Refusal
    {
        None,
        AddressFull,
        NodeFull,
    }

    /// <summary>A lease on one connection slot, or the reason there is none.</summary>
    public Refusal TryAcquire(IPAddress? address, out IDisposable? lease)
    {
        lease = null;
        IPAddress key = AddressKey(address);
        lock (_lock)
        {
            if (_total >= options.MaxConnectionsPerNode) return Refusal.NodeFull;
            int held = _perAddress.GetValueOrDefault(key);
            if (held >= options.MaxConnectionsPerIp) return Refusal.AddressFull;
            _perAddress[key] = held + 1;
            _total++;
        }
        lease = new Lease(this, key);
        return Refusal.None;
    }

    /// <summary>The address a connection counts under: IPv4 clients of a dual-stack socket as IPv4, none as <see cref="IPAddress.None"/>.</summary>
    public static IPAddress AddressKey(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private void Release(IPAddress key)
    {
        lock (_lock)
        {
            _total--;
            if (--_perAddress[key] == 0) _perAddress.Remove(key);
        }
    }

    private sealed class Lease(ConnectionLimiter limiter, IPAddress key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) limiter.Release(key);
        }
    }
}
