namespace CollabClient.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes (bounded; for state that settles over the network).</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, TimeSpan within, string what)
    {
        DateTime deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Within {within}: {what}");
            await Task.Delay(20);
        }
    }
}
