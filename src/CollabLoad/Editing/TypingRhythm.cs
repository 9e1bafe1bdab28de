namespace CollabLoad.Editing;

/// <summary>
/// When a simulated person types next: bursts of 3–12 keystrokes a short gap apart, then a pause, with ±30% jitter,
/// so the long-run average is the configured rate (each burst of L edits spans L mean intervals).
/// </summary>
public sealed class TypingRhythm
{
    private readonly Random _random;
    private readonly double _meanSeconds;
    private readonly double _gapSeconds;
    private int _burstLeft;

    public TypingRhythm(Random random, double editsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(editsPerSecond);
        _random = random;
        _meanSeconds = 1 / editsPerSecond;
        _gapSeconds = Math.Min(_meanSeconds / 3, 0.06);
    }

    /// <summary>True when the last interval returned ended a burst (a natural moment to publish the cursor).</summary>
    public bool BurstEnded => _burstLeft == 0;

    public TimeSpan NextInterval()
    {
        if (_burstLeft > 0)
        {
            _burstLeft--;
            return Jitter(_gapSeconds);
        }
        int length = _random.Next(3, 13);
        _burstLeft = length - 1;
        return Jitter(length * _meanSeconds - (length - 1) * _gapSeconds);
    }

    private TimeSpan Jitter(double seconds) => TimeSpan.FromSeconds(seconds * (0.7 + 0.6 * _random.NextDouble()));
}
