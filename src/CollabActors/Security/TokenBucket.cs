namespace CollabActors.Security;

/// <summary>
/// A token bucket: holds up to <c>burst</c> tokens, refills at <c>perSecond</c>, and each accepted message takes
/// one. Used by one actor only (not thread-safe); time is passed in so tests control it.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _capacity;
    private readonly double _perMillisecond;
    private double _tokens;
    private long _lastMs;

    public TokenBucket(double perSecond, int burst, long nowMs)
    {
        if (perSecond <= 0) throw new ArgumentOutOfRangeException(nameof(perSecond), "A rate must be positive.");
        _capacity = Math.Max(1, burst);
        _perMillisecond = perSecond / 1000.0;
        _tokens = _capacity;
        _lastMs = nowMs;
    }

    public bool TryTake(long nowMs) => TryTake(nowMs, 1);

    /// <summary>How long until <paramref name="cost"/> tokens are there (zero when they are now).</summary>
    public TimeSpan TimeUntil(long nowMs, int cost)
    {
        double tokens = Math.Min(_capacity, _tokens + Math.Max(0, nowMs - _lastMs) * _perMillisecond);
        return tokens >= cost ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Ceiling((cost - tokens) / _perMillisecond));
    }

    /// <summary>Takes <paramref name="cost"/> tokens at once, or none when fewer are left.</summary>
    public bool TryTake(long nowMs, int cost)
    {
        if (nowMs > _lastMs)
        {
            _tokens = Math.Min(_capacity, _tokens + (nowMs - _lastMs) * _perMillisecond);
            _lastMs = nowMs;
        }
        if (_tokens < cost) return false;
        _tokens -= cost;
        return true;
    }
}
