using CollabHost.Persistence;

namespace CollabHost.Tests.Persistence;

/// <summary>The queue the journal writer and the read lane sleep on: first in, first out, and a clean stop.</summary>
public sealed class BlockingQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Items_come_out_in_the_order_they_went_in()
    {
        var queue = new BlockingQueue<int>();
        for (int i = 0; i < 5; i++) Assert.True(queue.TryAdd(i));

        var taken = new List<int>();
        while (queue.TryTakeBefore(0, out int item)) taken.Add(item);

        Assert.Equal([0, 1, 2, 3, 4], taken);
    }

    [Fact]
    public void Taking_with_a_deadline_already_passed_from_an_empty_queue_returns_at_once()
    {
        var queue = new BlockingQueue<string>();

        Assert.False(queue.TryTakeBefore(0, out _));
    }

    [Fact]
    public async Task A_sleeping_taker_wakes_for_the_next_item()
    {
        var queue = new BlockingQueue<string>();
        Task<string> taker = Task.Factory.StartNew(() => queue.TryTake(out string item) ? item : "nothing",
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.Delay(100);
        Assert.False(taker.IsCompleted);

        queue.TryAdd("commit me");

        Assert.Equal("commit me", await taker.WaitAsync(Timeout));
    }

    [Fact]
    public void Taking_before_a_deadline_gives_up_when_nothing_comes()
    {
        var queue = new BlockingQueue<int>();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();

        bool took = queue.TryTakeBefore(start + System.Diagnostics.Stopwatch.Frequency / 50, out _);

        Assert.False(took);
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(19));
    }

    [Fact]
    public async Task Taking_before_a_deadline_gets_an_item_that_comes_in_time()
    {
        var queue = new BlockingQueue<string>();
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency * 10;
        Task<string> taker = Task.Factory.StartNew(() => queue.TryTakeBefore(deadline, out string item) ? item : "nothing",
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.Delay(50);

        queue.TryAdd("in time");

        Assert.Equal("in time", await taker.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Every_item_reaches_exactly_one_of_several_takers()
    {
        var queue = new BlockingQueue<int>();
        var taken = new System.Collections.Concurrent.ConcurrentBag<int>();
        Task[] takers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            while (queue.TryTake(out int item)) taken.Add(item);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        Parallel.For(0, 10_000, i => queue.TryAdd(i));
        queue.CompleteAdding();
        await Task.WhenAll(takers).WaitAsync(Timeout);

        Assert.Equal(Enumerable.Range(0, 10_000), taken.Order());
    }

    [Fact]
    public async Task After_completion_takers_get_what_was_queued_then_stop_and_nothing_more_is_taken()
    {
        var queue = new BlockingQueue<int>();
        queue.TryAdd(1);
        queue.TryAdd(2);
        queue.CompleteAdding();

        Assert.False(queue.TryAdd(3));
        Assert.True(queue.TryTake(out int first));
        Assert.True(queue.TryTake(out int second));
        Assert.Equal((1, 2), (first, second));
        Task<bool> last = Task.Run(() => queue.TryTake(out _));
        Assert.False(await last.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Completion_wakes_a_taker_sleeping_on_an_empty_queue()
    {
        var queue = new BlockingQueue<int>();
        Task<bool> taker = Task.Factory.StartNew(() => queue.TryTake(out _),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.Delay(100);

        queue.CompleteAdding();

        Assert.False(await taker.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Completion_wakes_every_taker_sleeping_on_an_empty_queue()
    {
        var queue = new BlockingQueue<int>();
        Task<bool>[] takers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() => queue.TryTake(out _),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.Delay(100);

        queue.CompleteAdding();

        Assert.All(await Task.WhenAll(takers).WaitAsync(Timeout), Assert.False);
    }

    [Fact]
    public async Task Items_added_one_at_a_time_to_a_sleeping_taker_all_arrive()
    {
        // The taker sleeps between most items: every add must wake it, none may be left behind until the next one.
        var queue = new BlockingQueue<int>();
        var taken = new System.Collections.Concurrent.ConcurrentQueue<int>();
        Task taker = Task.Factory.StartNew(() =>
        {
            while (queue.TryTake(out int item)) taken.Enqueue(item);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        for (int i = 0; i < 200; i++)
        {
            queue.TryAdd(i);
            if (i % 10 == 0) await Task.Delay(1);
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency / 5;
            while (taken.Count <= i && System.Diagnostics.Stopwatch.GetTimestamp() < until) await Task.Yield();
            Assert.True(taken.Count > i, $"item {i} was not taken within 200 ms of its add");
        }
        queue.CompleteAdding();
        await taker.WaitAsync(Timeout);

        Assert.Equal(Enumerable.Range(0, 200), taken);
    }
}
