using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

public class PresenceBudgetTests
{
    private static readonly ConnectionSettings Settings = new()
    {
        MaxPresencePerChannel = 2, MaxPresencePerConnection = 3, MaxPresenceBytesPerChannel = 100, MaxPresenceBytesPerConnection = 150,
    };

    [Fact]
    public void A_value_that_replaces_one_counts_only_its_difference()
    {
        var budget = new PresenceBudget(Settings);
        budget.Hold("a", "p1", 90);
        Assert.Null(budget.Refusal("a", "p1", 100));
        Assert.NotNull(budget.Refusal("a", "p2", 20));
    }

    [Fact]
    public void Entries_are_bounded_per_channel_and_per_connection()
    {
        var budget = new PresenceBudget(Settings);
        budget.Hold("a", "p1", 1);
        budget.Hold("a", "p2", 1);
        Assert.Contains("on one channel", budget.Refusal("a", "p3", 1));
        budget.Hold("b", "p1", 1);
        Assert.Contains("at most 3 presences", budget.Refusal("c", "p1", 1));
    }

    [Fact]
    public void Bytes_are_bounded_per_connection_and_a_release_frees_them()
    {
        var budget = new PresenceBudget(Settings);
        budget.Hold("a", "p1", 100);
        Assert.Contains("150 bytes per connection", budget.Refusal("b", "p1", 51));
        budget.Release("a", "p1");
        Assert.Null(budget.Refusal("b", "p1", 100));
    }
}
