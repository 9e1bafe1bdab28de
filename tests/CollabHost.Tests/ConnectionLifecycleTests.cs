using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests;

/// <summary>However connections end, nothing of them is left behind in the host.</summary>
public class ConnectionLifecycleTests(ITestOutputHelper output)
{
    private const int Cycles = 1000;
    private const int Workers = 4;

    [Fact]
    public async Task A_thousand_connect_disconnect_cycles_leave_no_connection_actors_and_no_subscribers()
    {
        await using RunningHost host = await RunningHost.StartAsync();
        string doc = "lifecycle-" + Guid.NewGuid().ToString("N");
        string channel = "docs." + doc;
        int[] endings = new int[3];

        // The count is real: three open sockets are three connection actors.
        var open = new List<WireClient>();
        for (int i = 0; i < 3; i++) open.Add(await WireClient.ConnectAsync(host.WebSocketUrl));
        Assert.Equal(3, await host.CountConnectionActorsAsync(TimeSpan.FromSeconds(1)));
        foreach (WireClient client in open) await client.DisposeAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (int i = worker; i < Cycles; i += Workers)
            {
                await OneCycleAsync(host.WebSocketUrl, doc, channel, ending: i % 3);
                Interlocked.Increment(ref endings[i % 3]);
            }
        })));
        output.WriteLine($"{Cycles} cycles in {clock.Elapsed.TotalSeconds:0.0} s (closed/cut/cut mid-request: {string.Join("/", endings)})");

        int connections = -1;
        int subscribers = -1;
        int presenceSubscribers = -1;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            connections = await host.CountConnectionActorsAsync(TimeSpan.FromSeconds(1));
            subscribers = (await host.StatusAsync("docs", doc)).Subscribers;
            presenceSubscribers = await host.PresenceSubscribersAsync(channel);
            if (connections == 0 && subscribers == 0 && presenceSubscribers == 0) break;
        }
        Assert.Equal(0, connections);
        Assert.Equal(0, subscribers);
        Assert.Equal(0, presenceSubscribers);
    }

    /// <summary>
    /// Connect, subscribe to the document and its presence channel, publish a cursor, and end: 0 = a clean close,
    /// 1 = the socket cut after the work is done, 2 = the socket cut with the requests still in flight.
    /// </summary>
    private static async Task OneCycleAsync(Uri url, string doc, string channel, int ending)
    {
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(url, cts.Token);
        await ReceiveActionAsync(socket, "init", cts.Token);

        await SendAsync(socket, $$"""{"a":"s","c":"docs","d":"{{doc}}"}""", cts.Token);
        await SendAsync(socket, $$"""{"a":"ps","ch":"{{channel}}","seq":1}""", cts.Token);
        await SendAsync(socket,
            $$"""{"a":"p","ch":"{{channel}}","id":"cursor","p":{"index":0},"pv":1,"c":"docs","d":"{{doc}}","v":0,"t":"http://sharejs.org/types/text-unicode"}""",
            cts.Token);
        if (ending == 2)
        {
            socket.Abort();
            return;
        }
        await ReceiveActionAsync(socket, "s", cts.Token, "ps");
        if (ending == 1)
        {
            socket.Abort();
            return;
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
    }

    private static Task SendAsync(ClientWebSocket socket, string json, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct);

    /// <summary>
    /// Reads messages until one of each action has come, in any order (replies to requests sent together, and
    /// presence pushes from other cycles, interleave).
    /// </summary>
    private static async Task ReceiveActionAsync(ClientWebSocket socket, string action, CancellationToken ct, params string[] more)
    {
        var awaited = new HashSet<string>([action, .. more]);
        try
        {
            while (awaited.Count > 0) awaited.Remove(await ReceiveOneOfAsync(socket, awaited, ct));
        }
        catch (OperationCanceledException e)
        {
            throw new TimeoutException($"No '{string.Join("', '", awaited)}' message in time.", e);
        }
    }

    private static async Task<string> ReceiveOneOfAsync(ClientWebSocket socket, IReadOnlySet<string> actions, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        for (int i = 0; i < 1000; i++)
        {
            int length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), ct);
                length += result.Count;
            } while (!result.EndOfMessage);
            string a = JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.GetProperty("a").GetString()!;
            if (actions.Contains(a)) return a;
        }
        throw new InvalidOperationException($"None of '{string.Join("', '", actions)}' within 1000 messages.");
    }
}
