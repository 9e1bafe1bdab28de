using CollabActors.Connections;
using CollabActors.Protocol;

namespace CollabActors.Tests.Connections;

public class PresenceThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static PresenceMessage Cursor(int index, string id = "p1") =>
        new("docs.d1", "src", id, System.Text.Json.JsonDocument.Parse($"{{\"index\":{index}}}").RootElement.Clone(),
            index, "docs", "d1", 1, "http://sharejs.org/types/text-unicode");

    [Fact]
    public void The_first_update_goes_at_once()
    {
        var throttle = new PresenceThrottle(Interval);
        Assert.True(throttle.Offer(Cursor(1), nowTicks: 1000, out _));
    }

    [Fact]
    public void Updates_inside_the_interval_are_held_and_the_latest_wins()
    {
        var throttle = new PresenceThrottle(Interval);
        throttle.Offer(Cursor(1), 1000, out _);

        Assert.False(throttle.Offer(Cursor(2), 1010, out TimeSpan first));
        Assert.Equal(TimeSpan.FromMilliseconds(90), first);
        Assert.False(throttle.Offer(Cursor(3), 1020, out TimeSpan second));
        Assert.Equal(TimeSpan.MinValue, second); // already scheduled

        PresenceMessage? due = throttle.TakeDue("docs.d1", "p1", 1100);
        Assert.Equal(3, due!.Value!.Value.GetProperty("index").GetInt32());
        Assert.Null(throttle.TakeDue("docs.d1", "p1", 1100));
    }

    [Fact]
    public void A_burst_leaves_at_most_one_update_per_interval()
    {
        var throttle = new PresenceThrottle(Interval);
        int sent = 0;
        long dueAt = long.MaxValue;
        PresenceMessage? last = null;
        for (long now = 0; now < 1000; now += 5) // 200 moves in one second
        {
            if (now >= dueAt && throttle.TakeDue("docs.d1", "p1", now) is { } held)
            {
                sent++;
                last = held;
                dueAt = long.MaxValue;
            }
            if (throttle.Offer(Cursor((int)now), now, out TimeSpan after))
            {
                sent++;
                last = Cursor((int)now);
            }
            else if (after != TimeSpan.MinValue) dueAt = now + (long)after.TotalMilliseconds;
        }
        if (throttle.TakeDue("docs.d1", "p1", 2000) is { } final)
        {
            sent++;
            last = final;
        }

        Assert.InRange(sent, 2, 11);
        Assert.Equal(995, last!.Value!.Value.GetProperty("index").GetInt32());
    }

    [Fact]
    public void Different_presences_are_throttled_apart()
    {
        var throttle = new PresenceThrottle(Interval);
        Assert.True(throttle.Offer(Cursor(1, "p1"), 1000, out _));
        Assert.True(throttle.Offer(Cursor(1, "p2"), 1001, out _));
    }
}
