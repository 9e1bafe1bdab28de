using System.Net;

namespace CollabHost.Security;

/// <summary>
/// Counts the TCP connections that are open but not (yet) WebSockets, per client address and for the node, and every
/// open connection against what the file-descriptor limit leaves (issue 19 item 3: 19,900 half-open requests from one
/// address used up the descriptors and the process died). A connection is counted from the moment it is accepted
/// until it becomes a WebSocket (then <see cref="ConnectionLimiter"/> counts it) or closes; one over a bound is closed
/// at once, before a byte of it is parsed. Each counted connection has a <see cref="Lease"/>, which goes with it to
/// whatever serves it (<see cref="PendingConnectionGate"/>).
/// </summary>
public sealed class PendingConnectionLimiter
{
    private readonly int _maxPerAddress;
    private readonly int _maxPerNode;
    private readonly long _maxOpen;
    private readonly Func<IPAddress, bool> _isTrustedProxy;
    private readonly Dictionary<IPAddress, int> _perAddress = new();
    private readonly object _lock = new();
    private int _pending;
    private long _open;

    /// <param name="maxOpen">Connections of any kind the node may hold: what the descriptor limit leaves.</param>
    /// <param name="isTrustedProxy">
    /// A reverse proxy speaks for many clients from one address: its connections count for the node only.
    /// </param>
    public PendingConnectionLimiter(int maxPerAddress, int maxPerNode, long maxOpen, Func<IPAddress, bool> isTrustedProxy)
    {
        _maxPerAddress = maxPerAddress;
        _maxPerNode = maxPerNode;
        _maxOpen = maxOpen;
        _isTrustedProxy = isTrustedProxy;
    }

    public enum Refusal
    {
        None,
        AddressFull,
        NodeFull,
        DescriptorsFull,
    }

    /// <summary>Counts a connection just accepted, or says why it must be closed.</summary>
    public Refusal TryOpen(IPAddress? address, out Lease? lease)
    {
        lease = null;
        IPAddress key = ConnectionLimiter.AddressKey(address);
        bool perAddress = !_isTrustedProxy(key);
        lock (_lock)
        {
            if (_open >= _maxOpen) return Refusal.DescriptorsFull;
            if (_pending >= _maxPerNode) return Refusal.NodeFull;
            int held = _perAddress.GetValueOrDefault(key);
            if (perAddress && held >= _maxPerAddress) return Refusal.AddressFull;
            if (perAddress) _perAddress[key] = held + 1;
            _pending++;
            _open++;
        }
        lease = new Lease(this, perAddress ? key : null);
        return Refusal.None;
    }

    /// <summary>Connections open now that are not WebSockets (for tests and metrics).</summary>
    public int Pending
    {
        get
        {
            lock (_lock) return _pending;
        }
    }

    /// <summary>Connections open now, WebSockets or not (for tests and metrics).</summary>
    public long Open
    {
        get
        {
            lock (_lock) return _open;
        }
    }

    private void EndPending(IPAddress? key)
    {
        lock (_lock)
        {
            _pending--;
            if (key is not null && --_perAddress[key] == 0) _perAddress.Remove(key);
        }
    }

    private void Close()
    {
        lock (_lock) _open--;
    }

    /// <summary>
    /// One counted connection: pending until <see cref="Upgraded"/> (or closed), open until disposed, when it closes.
    /// Whatever serves the connection holds it; each step counts once however often it is taken.
    /// </summary>
    public sealed class Lease : IDisposable
    {
        private readonly PendingConnectionLimiter _limiter;
        private readonly IPAddress? _key;
        private int _pendingEnded;
        private int _closed;

        internal Lease(PendingConnectionLimiter limiter, IPAddress? key)
        {
            _limiter = limiter;
            _key = key;
        }

        /// <summary>The connection became a WebSocket: it no longer counts as pending (it still counts as open).</summary>
        public void Upgraded() => EndPending();

        /// <summary>The connection has closed.</summary>
        public void Dispose()
        {
            EndPending();
            if (Interlocked.Exchange(ref _closed, 1) == 0) _limiter.Close();
        }

        private void EndPending()
        {
            if (Interlocked.Exchange(ref _pendingEnded, 1) == 0) _limiter.EndPending(_key);
        }
    }
}
