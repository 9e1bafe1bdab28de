using CollabHost.ReadModel;

namespace CollabHost.Tests.ReadModel;

/// <summary>How far the projector's position moves past holes in the journal's orderings.</summary>
public sealed class JournalHolesTests
{
    [Fact]
    public void Without_holes_the_position_moves_to_the_last_row()
    {
        var holes = new JournalHoles(TimeSpan.FromSeconds(10));
        Assert.Equal(13, holes.NextPosition(10, [11, 12, 13], nowMs: 0));
    }

    [Fact]
    public void A_hole_holds_the_position_before_it_until_it_fills_or_its_wait_is_over()
    {
        var holes = new JournalHoles(TimeSpan.FromSeconds(10));
        Assert.Equal(11, holes.NextPosition(10, [11, 13, 14], nowMs: 1_000)); // 12 taken by a transaction not yet committed
        Assert.Equal(11, holes.NextPosition(11, [13, 14], nowMs: 9_000));
        Assert.Equal(15, holes.NextPosition(11, [12, 13, 14, 15], nowMs: 9_500)); // it committed

        Assert.Equal(15, holes.NextPosition(15, [17], nowMs: 20_000));
        Assert.Equal(15, holes.NextPosition(15, [17, 18], nowMs: 29_999));
        Assert.Equal(18, holes.NextPosition(15, [17, 18], nowMs: 30_000)); // 16 was rolled back: passed after 10 s
    }

    [Fact]
    public void A_rebuild_takes_every_hole_as_final()
    {
        var holes = new JournalHoles(TimeSpan.FromSeconds(10));
        Assert.Equal(9, holes.NextPosition(0, [3, 4, 9], nowMs: 0, waitForHoles: false));
    }
}
