using System.Text.Json.Nodes;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Security;

/// <summary>The in-memory op log is bounded by bytes, not only by count: large pastes cannot pin the heap.</summary>
[Collection(LiveHeapCollection.Name)]
public class OpLogMemoryTests
{
    [Fact]
    public async Task A_hundred_large_pastes_and_deletes_leave_the_heap_bounded_by_the_op_log_byte_limit()
    {
        await using var host = await SecuredHost.StartAsync(false,
            "--Collab:Connections:OpsPerSecond=100000", "--Collab:Connections:OpBurst=100000");
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await client.CreateAsync("docs", "pastes", "");
        Assert.Null((await client.ReceiveAckAsync())["error"]);
        long before = LiveHeapBytes();

        const int pairs = 50;
        string paste = new('p', 400_000);
        Task<TimeSpan>? bystander = null;
        long version = 1;
        for (int i = 0; i < pairs; i++)
        {
            await client.InsertAsync("docs", "pastes", version++, paste);
            Assert.Null((await client.ReceiveAckAsync(TimeSpan.FromSeconds(30)))["error"]);
            await client.SendAsync(new JsonObject
            {
                ["a"] = "op", ["c"] = "docs", ["d"] = "pastes", ["v"] = version++, ["seq"] = client.NextSeq(),
                ["op"] = new JsonArray(new JsonObject { ["d"] = paste.Length }),
            });
            Assert.Null((await client.ReceiveAckAsync(TimeSpan.FromSeconds(30)))["error"]);
            if (i == pairs / 2) bystander = Bystander.AssertServedAsync(host.WebSocketUrl);
        }
        await bystander!;
        long after = LiveHeapBytes();

        // Unbounded, the log held each paste twice (the insert and the undo of its delete) at two bytes per
        // character: about 120 MB. The default bound is 16 MB.
        double grownMb = (after - before) / 1e6;
        Assert.True(grownMb < 48, $"live heap grew by {grownMb:F0} MB");
    }

    private static long LiveHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
