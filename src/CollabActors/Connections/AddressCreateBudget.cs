using CollabActors.Security;

namespace CollabActors.Connections;

/// <summary>
/// How fast the connections of one client address together may create documents: one token bucket per address,
/// shared by every connection from it (as <c>Collab:Limits:MaxConnectionsPerIp</c> counts them), so opening more
/// sockets buys no more creates. Thread-safe: each connection actor takes from its address's bucket through the
/// <see cref="Share"/> it was given at the upgrade. Time is passed in (<see cref="Environment.TickCount64"/> ms).
/// </summary>
public sealed class AddressCreateBudget
{
    /// <summary>Joins between two sweeps of buckets no connection holds.</summary>
    private const int SweepEvery = 256;

    private readonly double _perSecond;
    private readonly int _burst;
    private readonly Dictionary<string, Entry> _buckets = new();
    private readonly object _lock = new();
    private int _joinsSinceSweep;

    public AddressCreateBudget(double perSecond, int burst)
    {
        if (perSecond <= 0) throw new ArgumentOutOfRangeException(nameof(perSecond), "Creates per second per address must be positive.");
        if (burst < 1) throw new ArgumentOutOfRangeException(nameof(burst), "The create burst per address must be at least 1.");
        _perSecond = perSecond;
        _burst = burst;
    }

    /// <summary>Creates per second one address may make on average.</summary>
    public double PerSecond => _perSecond;

    /// <summary>Addresses with a bucket (held by a connection, or not yet refilled).</summary>
    public int Addresses
    {
        get
        {
            lock (_lock) return _buckets.Count;
        }
    }

    /// <summary>
    /// The bucket of <paramref name="address"/> for one more connection; dispose the share when the connection ends.
    /// A bucket outlives its last connection until it has refilled, so closing every socket and reconnecting does not
    /// buy a fresh burst.
    /// </summary>
    public Share Join(string address, long nowMs)
    {
        lock (_lock)
        {
            if (++_joinsSinceSweep >= SweepEvery) Sweep(nowMs);
            if (!_buckets.TryGetValue(address, out Entry? entry))
                _buckets[address] = entry = new Entry(new TokenBucket(_perSecond, _burst, nowMs));
            entry.Holders++;
            entry.LastMs = Math.Max(entry.LastMs, nowMs);
            return new Share(this, address, entry);
        }
    }

    private bool TryTake(Entry entry, long nowMs)
    {
        lock (_lock)
        {
            entry.LastMs = Math.Max(entry.LastMs, nowMs);
            return entry.Bucket.TryTake(nowMs);
        }
    }

    private void Leave(string address, Entry entry)
    {
        lock (_lock)
        {
            // Judged at the last time a connection of it told: a share ends without a clock.
            if (--entry.Holders == 0 && IsFull(entry, entry.LastMs)) _buckets.Remove(address);
        }
    }

    private void Sweep(long nowMs)
    {
        _joinsSinceSweep = 0;
        foreach ((string address, Entry entry) in _buckets.ToArray())
            if (entry.Holders == 0 && IsFull(entry, nowMs)) _buckets.Remove(address);
    }

    private bool IsFull(Entry entry, long nowMs) => entry.Bucket.TimeUntil(nowMs, _burst) == TimeSpan.Zero;

    internal sealed class Entry(TokenBucket bucket)
    {
        public TokenBucket Bucket { get; } = bucket;
        public int Holders { get; set; }

        /// <summary>The latest time the bucket was joined or taken from.</summary>
        public long LastMs { get; set; }
    }

    /// <summary>One connection's hold on its address's bucket.</summary>
    public sealed class Share : IDisposable
    {
        private readonly AddressCreateBudget _budget;
        private readonly string _address;
        private readonly Entry _entry;
        private int _left;

        internal Share(AddressCreateBudget budget, string address, Entry entry)
        {
            _budget = budget;
            _address = address;
            _entry = entry;
        }

        /// <summary>Creates per second the address may make (for the refusal's message).</summary>
        public double PerSecond => _budget.PerSecond;

        /// <summary>Takes one create from the address's bucket, or nothing when it is empty.</summary>
        public bool TryTake(long nowMs) => _budget.TryTake(_entry, nowMs);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0) _budget.Leave(_address, _entry);
        }
    }
}
