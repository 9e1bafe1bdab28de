using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

/// <summary>The create bucket one client address shares across its connections, and how long it is kept.</summary>
public class AddressCreateBudgetTests
{
    [Fact]
    public void Every_connection_of_an_address_takes_from_the_same_bucket()
    {
        var budget = new AddressCreateBudget(perSecond: 2, burst: 2);
        using AddressCreateBudget.Share a = budget.Join("192.0.2.1", 0);
        using AddressCreateBudget.Share b = budget.Join("192.0.2.1", 0);

        Assert.True(a.TryTake(0));
        Assert.True(b.TryTake(0));
        Assert.False(a.TryTake(0));
        Assert.False(b.TryTake(0));
        Assert.True(b.TryTake(500)); // two a second: one more half a second later
        Assert.Equal(1, budget.Addresses);
    }

    [Fact]
    public void Closing_every_connection_and_reconnecting_does_not_refill_the_bucket()
    {
        var budget = new AddressCreateBudget(perSecond: 0.001, burst: 1);
        AddressCreateBudget.Share first = budget.Join("192.0.2.1", 0);
        Assert.True(first.TryTake(0));
        first.Dispose();

        using AddressCreateBudget.Share again = budget.Join("192.0.2.1", 0);
        Assert.False(again.TryTake(1));
    }

    [Fact]
    public void The_bucket_of_an_address_nobody_holds_is_dropped_once_it_is_full_again()
    {
        var budget = new AddressCreateBudget(perSecond: 1000, burst: 1);
        using (AddressCreateBudget.Share share = budget.Join("192.0.2.1", Environment.TickCount64))
        {
            Assert.Equal(1, budget.Addresses);
        }
        Assert.Equal(0, budget.Addresses); // untouched, so full when its last connection left

        // A spent bucket stays until a later sweep finds it full.
        AddressCreateBudget.Share spent = budget.Join("192.0.2.2", 0);
        Assert.True(spent.TryTake(0));
        spent.Dispose();
        for (int i = 0; i < 300; i++) budget.Join("198.51.100." + (i % 200), 10_000).Dispose();
        Assert.Equal(0, budget.Addresses); // the sweeps found every bucket full and unheld, the spent one included
    }

    [Fact]
    public void A_rate_or_burst_that_cannot_work_is_refused_at_construction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AddressCreateBudget(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AddressCreateBudget(1, 0));
    }
}
