using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CollabHost;

namespace CollabHost.Tests.Connections;

public class PresenceCoalescingTests
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";

    [Fact]
    public async Task A_burst_of_cursor_moves_reaches_another_editor_as_a_bounded_number_of_updates_ending_with_the_last()
    {
        await using var app = CollabHostApp.Build(["--urls", "http://127.0.0.1:0", "--Collab:Connections:PresenceMaxPerSecond=10"]);
        await app.StartAsync();
        var ws = new Uri(app.Urls.First().Replace("http://", "ws://") + "/ws");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var alice = await JsonSocket.OpenAsync(ws, cts.Token);
        using var bob = await JsonSocket.OpenAsync(ws, cts.Token);
        await alice.SendAsync(new JsonObject { ["a"] = "op", ["c"] = "docs", ["d"] = "room", ["v"] = 0, ["seq"] = 1,
            ["create"] = new JsonObject { ["type"] = TextUnicode, ["data"] = new string('x', 500) } }, cts.Token);
        await alice.ReceiveAsync(m => (string?)m["a"] == "op", cts.Token);
        await bob.SendAsync(new JsonObject { ["a"] = "ps", ["ch"] = "docs.room", ["seq"] = 1 }, cts.Token);
        await bob.ReceiveAsync(m => (string?)m["a"] == "ps", cts.Token);

        const int moves = 300;
        var burst = Stopwatch.StartNew();
        for (int i = 0; i < moves; i++)
        {
            await alice.SendAsync(new JsonObject { ["a"] = "p", ["ch"] = "docs.room", ["id"] = "alice-cursor",
                ["p"] = new JsonObject { ["index"] = i }, ["pv"] = i + 1, ["c"] = "docs", ["d"] = "room", ["v"] = 1,
                ["t"] = TextUnicode }, cts.Token);
        }
        burst.Stop();

        var received = new List<int>();
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        while (received.LastOrDefault(-1) != moves - 1)
        {
            JsonObject update = await bob.ReceiveAsync(m => (string?)m["a"] == "p", cts.Token);
            received.Add((int)update["p"]!["index"]!);
        }

        // One update per 100 ms of burst, plus the first and the trailing last.
        int bound = (int)Math.Ceiling(burst.Elapsed.TotalMilliseconds / 100) + 2;
        Assert.InRange(received.Count, 1, bound);
        Assert.Equal(moves - 1, received[^1]);
        alice.Dispose();
        bob.Dispose();
        await app.StopAsync();
    }

    /// <summary>A bare ShareDB-protocol client: JSON text frames, handshake done on open.</summary>
    private sealed class JsonSocket : IDisposable
    {
        private readonly ClientWebSocket _socket = new();

        public static async Task<JsonSocket> OpenAsync(Uri uri, CancellationToken ct)
        {
            var client = new JsonSocket();
            await client._socket.ConnectAsync(uri, ct);
            await client.ReceiveAsync(m => (string?)m["a"] == "init", ct);
            await client.SendAsync(new JsonObject { ["a"] = "hs", ["id"] = null, ["protocol"] = 1, ["protocolMinor"] = 2 }, ct);
            await client.ReceiveAsync(m => (string?)m["a"] == "hs", ct);
            return client;
        }

        public Task SendAsync(JsonObject message, CancellationToken ct) =>
            _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, ct);

        /// <summary>The next message matching <paramref name="wanted"/>; others are skipped.</summary>
        public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> wanted, CancellationToken ct)
        {
            var buffer = new byte[64 * 1024];
            for (int skipped = 0; skipped < 10_000; skipped++)
            {
                using var frame = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, ct);
                    if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
                    frame.Write(buffer, 0, result.Count);
                } while (!result.EndOfMessage);
                var message = JsonNode.Parse(frame.ToArray())!.AsObject();
                if (wanted(message)) return message;
            }
            throw new InvalidOperationException("No matching message in 10,000 frames.");
        }

        public void Dispose() => _socket.Dispose();
    }
}
