using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CollabActors.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Security;

/// <summary>
/// Anything that fits in a document fits in a frame (issue 19 item 14): a large paste is taken, and an op too big for
/// the document gets an error reply, never a close the client would answer by resending forever. Frames that large
/// are read within a node-wide budget of bytes (item 6): when it is spent, sockets wait instead of holding more.
/// </summary>
public class LargeFrameTests
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pastes_of_megabytes_are_taken_and_one_too_big_for_the_document_gets_an_error_not_a_close()
    {
        await using var host = await SecuredHost.StartAsync(false);
        using var client = await ProtocolSocket.OpenAsync(host.WebSocketUrl);

        // 1.1 MB: one frame over what used to close the socket with 1009.
        string created = new('a', 1_100_000);
        await client.CreateAsync("docs", "big", created);
        Assert.Null((await client.ReceiveAckAsync(Slow))["error"]);
        // Three million CJK characters: a 9 MB frame, three UTF-8 bytes a character.
        string pasted = new('中', 3_000_000);
        await client.InsertAsync("docs", "big", 1, pasted);
        Assert.Null((await client.ReceiveAckAsync(Slow))["error"]);

        // Seven million more would pass the 10 M document limit: an error reply, and the socket stays open.
        await client.InsertAsync("docs", "big", 2, new string('b', 7_000_000));
        JsonObject refused = await client.ReceiveAckAsync(Slow);
        Assert.Equal("ERR_DOCUMENT_TOO_LARGE", (string?)refused["error"]!["code"]);
        Assert.Equal(WebSocketState.Open, client.Socket.State);

        using var reader = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await reader.FetchAsync("docs", "big");
        JsonObject fetched = await reader.ReceiveAsync(m => (string?)m["a"] == "f", Slow);
        Assert.Equal(2, (long)fetched["data"]!["v"]!);
        Assert.Equal(pasted + created, (string?)fetched["data"]!["data"]); // an insert with no skip goes first
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task Unfinished_frames_share_a_node_budget_and_a_large_frame_waits_for_room_instead_of_failing()
    {
        const int frameLimit = 2 * 1024 * 1024;
        const long budgetBytes = 4L * 1024 * 1024;
        await using var host = await SecuredHost.StartAsync(false,
            $"--Collab:Connections:MaxFrameBytes={frameLimit}", $"--Collab:Limits:MaxInboundFrameBytesPerNode={budgetBytes}");
        var budget = host.App.Services.GetRequiredService<InboundByteBudget>();

        // Three sockets each trickle 1.5 MB of a frame they never finish: the first two take the budget, the third waits.
        var tricklers = new List<ProtocolSocket>();
        var sends = new List<Task>();
        byte[] part = Encoding.UTF8.GetBytes(new string(' ', 1_500_000));
        for (int i = 0; i < 3; i++)
        {
            ProtocolSocket trickler = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
            tricklers.Add(trickler);
            sends.Add(trickler.Socket.SendAsync(part, WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None));
        }
        await WaitUntilAsync(() => budget.Waiting >= 1);
        Assert.InRange(budget.UsedBytes, 1, budgetBytes);

        // An honest 1.5 MB create waits its turn; small messages of everyone else are served meanwhile.
        using var editor = await ProtocolSocket.OpenAsync(host.WebSocketUrl);
        await editor.CreateAsync("docs", "paste", new string('p', 1_500_000));
        Task<JsonObject> ack = editor.ReceiveAckAsync(Slow);
        await WaitUntilAsync(() => budget.Waiting >= 2);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
        Assert.False(ack.IsCompleted);
        Assert.InRange(budget.UsedBytes, 1, budgetBytes);

        // The tricklers go: their bytes come back, and the paste is read and acknowledged.
        foreach (ProtocolSocket trickler in tricklers)
        {
            trickler.Socket.Abort();
            trickler.Dispose();
        }
        Assert.Null((await ack)["error"]);
        await WaitUntilAsync(() => budget.UsedBytes == 0 && budget.Waiting == 0);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++) await Task.Delay(100);
        Assert.True(condition(), "the condition did not hold within 30 s");
    }
}
