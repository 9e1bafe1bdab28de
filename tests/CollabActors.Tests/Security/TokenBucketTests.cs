using CollabActors.Security;

namespace CollabActors.Tests.Security;

public class TokenBucketTests
{
    [Fact]
    public void A_bucket_allows_its_burst_at_once_then_only_its_rate()
    {
        var bucket = new TokenBucket(perSecond: 10, burst: 5, nowMs: 0);
        for (int i = 0; i < 5; i++) Assert.True(bucket.TryTake(0));
        Assert.False(bucket.TryTake(0));
        Assert.False(bucket.TryTake(50));
        Assert.True(bucket.TryTake(100));
        Assert.False(bucket.TryTake(150));

        int taken = 0;
        for (long ms = 200; ms <= 10_200; ms += 10) taken += bucket.TryTake(ms) ? 1 : 0;
        Assert.InRange(taken, 100, 101);
    }

    [Fact]
    public void A_bucket_refills_only_up_to_its_burst()
    {
        var bucket = new TokenBucket(perSecond: 100, burst: 3, nowMs: 0);
        int taken = 0;
        while (bucket.TryTake(60_000)) taken++;
        Assert.Equal(3, taken);
    }
}
