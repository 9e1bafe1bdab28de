using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

public class InboundByteBudgetTests
{
    [Fact]
    public async Task Growth_past_the_budget_waits_until_a_frame_finishes_and_gives_its_bytes_back()
    {
        var budget = new InboundByteBudget(totalBytes: 300, maxFrameBytes: 100);
        using var first = budget.StartFrame();
        await first.GrowAsync(200, CancellationToken.None);
        using var second = budget.StartFrame();
        await second.GrowAsync(100, CancellationToken.None); // into the reserve: this frame holds it now
        var third = budget.StartFrame();
        ValueTask waiting = third.GrowAsync(50, CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, budget.Waiting);

        first.Dispose();
        await waiting;
        Assert.Equal(150, budget.UsedBytes);
        third.Dispose();
    }

    [Fact]
    public async Task Only_one_frame_at_a_time_may_grow_into_the_last_frame_of_the_budget_so_one_can_always_finish()
    {
        var budget = new InboundByteBudget(totalBytes: 300, maxFrameBytes: 100);
        using var a = budget.StartFrame();
        using var b = budget.StartFrame();
        await a.GrowAsync(150, CancellationToken.None);
        await b.GrowAsync(60, CancellationToken.None); // 210: into the reserve, b holds it
        ValueTask aMore = a.GrowAsync(50, CancellationToken.None); // would fit in bytes, but the reserve is b's
        Assert.False(aMore.IsCompleted);
        await b.GrowAsync(30, CancellationToken.None); // the holder still grows, up to the whole budget
        Assert.Equal(240, budget.UsedBytes);
        b.Dispose();
        await aMore;
        Assert.Equal(200, budget.UsedBytes);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_queue()
    {
        var budget = new InboundByteBudget(totalBytes: 100, maxFrameBytes: 100);
        using var holder = budget.StartFrame();
        await holder.GrowAsync(100, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        using var waiter = budget.StartFrame();
        ValueTask waiting = waiter.GrowAsync(10, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        Assert.Equal(0, budget.Waiting);
    }
}
