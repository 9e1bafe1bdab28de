using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using CollabActors.Tests.Support;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabText;
using Xunit.Abstractions;

namespace CollabActors.Tests.Connections;

/// <summary>
/// ConnectionActor over real loopback sockets (no mocks of the socket): what needs a socket and the actor's wiring —
/// heartbeat supervision, the bounded outbound queue against a client that stops reading, close codes, and releasing
/// subscriptions however the connection ends. The rules themselves are tested without actor or socket in
/// ConnectionSessionTests, SocketWriterTests, ConnectionAdmissionTests and PresenceRelayTests. Test probes stand for
/// the document and presence regions.
/// </summary>
public class ConnectionActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DocumentId Doc = new("docs", "d1");

    /// <summary>
    /// Room for a loaded, shared 2-core machine on top of a timing bound (the suites run side by side there, and a
    /// second of it was once not enough). What the bounds tell apart is "aborted" from "never aborted".
    /// </summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(2500);

    private readonly TestProbe _documents;
    private readonly TestProbe _presence;
    private readonly ITestOutputHelper _output;

    public ConnectionActorTests(ITestOutputHelper output) : base(ActorTestConfig.Create("akka.loglevel = WARNING"), output: output)
    {
        _output = output;
        _documents = CreateTestProbe("documents");
        _presence = CreateTestProbe("presence");
    }

    private Task<LoopbackConnection> StartAsync(ConnectionSettings settings, bool smallSocketBuffers = false) =>
        LoopbackConnection.StartAsync(Sys, settings, _documents.Ref, _presence.Ref, smallSocketBuffers);

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan within) =>
        await Task.WhenAny(task, Task.Delay(within)) == task;

    /// <summary>Subscribes the client to <see cref="Doc"/>, the document probe answering with an empty document at version 0.</summary>
    private async Task SubscribeAsync(LoopbackConnection connection, bool readReply = true)
    {
        await connection.SendJsonAsync("""{"a":"s","c":"docs","d":"d1"}""");
        var subscribe = await _documents.ExpectMsgAsync<DocumentCommands.Subscribe>();
        subscribe.ReplyTo.Tell(new DocumentReplies.Fetched(Doc, subscribe.RequestId,
            new WireSnapshot(0, TextUnicodeType.Uri, ""), Array.Empty<CommittedOp>()));
        if (readReply) Assert.Equal("s", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
    }

    /// <summary>A connection past its init message and subscribed to <see cref="Doc"/>; its last write was the subscribe reply.</summary>
    private async Task<LoopbackConnection> StartSubscribedAsync(ConnectionSettings settings, bool smallSocketBuffers = false)
    {
        LoopbackConnection connection = await StartAsync(settings, smallSocketBuffers);
        await connection.ReceiveJsonAsync(); // init
        await SubscribeAsync(connection);
        return connection;
    }

    private static DocumentReplies.OpPublished Published(long version, int insertLength)
    {
        var op = new CommittedOp(version, "someone-else", version + 1,
            new EditChange(TextOp.InsertAt(0, new string('x', insertLength))), 0);
        return new DocumentReplies.OpPublished(Doc, op, new PreparedMessage(op.ToMessage(Doc)));
    }

    [Theory]
    [InlineData(400, 200)]
    [InlineData(300, 900)] // a timeout longer than the ping interval
    public async Task A_peer_that_never_reads_or_answers_is_aborted_within_ping_interval_plus_pong_timeout(int pingMs, int pongMs)
    {
        var settings = new ConnectionSettings
        {
            PingInterval = TimeSpan.FromMilliseconds(pingMs), PongTimeout = TimeSpan.FromMilliseconds(pongMs),
        };
        var clock = Stopwatch.StartNew();
        await using LoopbackConnection connection = await StartAsync(settings);
        TimeSpan bound = settings.PingInterval + settings.PongTimeout;

        Assert.True(await CompletesWithinAsync(connection.Stopped, bound + Slack),
            $"still connected after {clock.Elapsed.TotalMilliseconds:0} ms; the bound is {bound.TotalMilliseconds} ms");
        _output.WriteLine($"aborted after {clock.Elapsed.TotalMilliseconds:0} ms (bound {bound.TotalMilliseconds} ms)");
        Assert.True(clock.Elapsed >= settings.PongTimeout, $"aborted too early, after {clock.Elapsed.TotalMilliseconds:0} ms");

        // The client's end sees the connection gone: whatever was buffered, then no more.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            for (int i = 0; i < 10; i++) await connection.ReceiveAsync(TimeSpan.FromSeconds(2));
        });
    }

    [Theory]
    [InlineData(250, 500)] // timeouts of half a second and more: a loaded machine must not look like a dead peer
    [InlineData(150, 600)]
    public async Task A_peer_that_keeps_receiving_stays_connected(int pingMs, int pongMs)
    {
        var settings = new ConnectionSettings
        {
            PingInterval = TimeSpan.FromMilliseconds(pingMs), PongTimeout = TimeSpan.FromMilliseconds(pongMs),
        };
        await using LoopbackConnection connection = await StartAsync(settings);
        // Receiving is what makes a WebSocket answer pings; the client sends nothing of its own.
        using var reading = new CancellationTokenSource();
        Task reader = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!reading.IsCancellationRequested) await connection.Client.ReceiveAsync(buffer, reading.Token);
        });

        TimeSpan watch = 4 * (settings.PingInterval + settings.PongTimeout);
        Assert.False(await CompletesWithinAsync(connection.Stopped, watch), "the connection was dropped while the peer was answering");
        Assert.Equal(WebSocketState.Open, connection.Client.State);
        Assert.False(reader.IsFaulted, reader.Exception?.ToString());
        await reading.CancelAsync();
    }

    [Fact]
    public async Task A_burst_beyond_the_outbound_queue_bound_closes_the_connection_with_1008()
    {
        var settings = new ConnectionSettings { MaxQueuedFrames = 10, CloseTimeout = TimeSpan.FromSeconds(2) };
        // Small kernel buffers and 2 KB ops: the first write cannot finish before the client reads, so the burst
        // piles up in the queue behind it (a burst must not trickle out between its own messages for this test).
        await using LoopbackConnection connection = await StartSubscribedAsync(settings, smallSocketBuffers: true);

        const int burst = 200;
        for (int v = 0; v < burst; v++) connection.Actor.Tell(Published(v, 2000));

        int ops = 0;
        WebSocketMessageType last;
        do
        {
            (JsonElement? message, last) = await connection.ReceiveAsync(TimeSpan.FromSeconds(5));
            if (message is { } m && m.GetProperty("a").GetString() == "op") ops++;
        } while (last != WebSocketMessageType.Close && ops <= burst);

        Assert.Equal(WebSocketMessageType.Close, last);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, connection.Client.CloseStatus);
        // The burst arrives in the mailbox far faster than a write completes, so the queue overflows and the rest of
        // it is dropped: a few batches at most reach the client (none when the subscribe reply's write was still in
        // flight and the whole burst queued behind it), never the burst.
        Assert.InRange(ops, 0, burst / 2);
        await connection.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        Assert.True(await CompletesWithinAsync(connection.Stopped, TimeSpan.FromSeconds(3)), "the actor did not stop after the close");
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_and_a_reading_peer_is_not_affected()
    {
        var settings = new ConnectionSettings
        {
            MaxQueuedFrames = 1000, MaxQueuedBytes = 64 * 1024, CloseTimeout = TimeSpan.FromMilliseconds(500),
        };
        await using LoopbackConnection stalled = await StartAsync(settings, smallSocketBuffers: true);
        await using LoopbackConnection reading = await StartAsync(settings, smallSocketBuffers: true);
        await stalled.ReceiveJsonAsync();
        await reading.ReceiveJsonAsync();
        await SubscribeAsync(stalled, readReply: false); // this client never reads again
        await SubscribeAsync(reading);

        int received = 0;
        long lastVersion = -1;
        Task reader = Task.Run(async () =>
        {
            while (true)
            {
                JsonElement m = await reading.ReceiveJsonAsync(TimeSpan.FromSeconds(10));
                if (m.GetProperty("a").GetString() != "op") continue;
                long v = m.GetProperty("v").GetInt64();
                Assert.Equal(lastVersion + 1, v);
                lastVersion = v;
                Interlocked.Increment(ref received);
            }
        });

        // The document publishes at the pace the reading peer keeps up with, 1 KB per op, up to 8 MB.
        const int chunk = 20, maxOps = 8000;
        var clock = Stopwatch.StartNew();
        int sent = 0;
        while (sent < maxOps && !stalled.Stopped.IsCompleted)
        {
            for (int i = 0; i < chunk; i++, sent++)
            {
                DocumentReplies.OpPublished op = Published(sent, 1024);
                stalled.Actor.Tell(op);
                reading.Actor.Tell(op);
            }
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (Volatile.Read(ref received) < sent && DateTime.UtcNow < deadline && !reader.IsCompleted) await Task.Delay(1);
            Assert.False(reader.IsCompleted, reader.Exception?.ToString());
        }
        _output.WriteLine($"stalled client cut off after {sent} ops, {clock.Elapsed.TotalMilliseconds:0} ms");

        Assert.True(await CompletesWithinAsync(stalled.Stopped, settings.CloseTimeout + Slack), $"a client that stopped reading was still connected after {sent} ops");
        Assert.True(sent < maxOps);
        Assert.Equal(sent, Volatile.Read(ref received));
        Assert.False(reading.Stopped.IsCompleted);
        Assert.Equal(WebSocketState.Open, reading.Client.State);

        // When the stalled client finally reads, it finds what was buffered and then a 1008 close or a reset.
        WebSocketCloseStatus? closedWith = null;
        try
        {
            for (int i = 0; i < maxOps + 10; i++)
            {
                (_, WebSocketMessageType type) = await stalled.ReceiveAsync(TimeSpan.FromSeconds(5));
                if (type != WebSocketMessageType.Close) continue;
                closedWith = stalled.Client.CloseStatus;
                break;
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            _output.WriteLine("stalled client: " + e.Message);
        }
        Assert.True(closedWith is null or WebSocketCloseStatus.PolicyViolation, $"closed with {closedWith}");
    }

    [Fact]
    public async Task Pacing_never_holds_frames_until_a_reading_client_counts_as_a_slow_consumer()
    {
        var settings = new ConnectionSettings
        {
            MaxQueuedFrames = 10, MinWriteInterval = TimeSpan.FromSeconds(10), PacedAboveFramesPerSecond = 1,
        };
        // Just written: the next broadcasts are paced.
        await using LoopbackConnection connection = await StartSubscribedAsync(settings);

        // A steady stream, three times the bound, far inside one interval: held back whole, it would overflow.
        const int frames = 30;
        Task reading = Task.Run(async () =>
        {
            for (int v = 0; v < frames; v++)
                Assert.Equal(v, (await connection.ReceiveJsonAsync(TimeSpan.FromSeconds(5))).GetProperty("v").GetInt64());
        });
        for (int v = 0; v < frames; v++)
        {
            connection.Actor.Tell(Published(v, 10));
            await Task.Delay(10);
        }

        await reading;
        Assert.Equal(WebSocketState.Open, connection.Client.State);
    }

    [Fact]
    public async Task A_frame_over_the_size_limit_closes_the_connection_with_1009()
    {
        var settings = new ConnectionSettings { MaxFrameBytes = 1024, CloseTimeout = TimeSpan.FromMilliseconds(500) };
        await using LoopbackConnection connection = await StartAsync(settings);
        await connection.ReceiveJsonAsync();

        // Exactly at the limit is read and answered.
        string atLimit = "{\"a\":\"pp\",\"pad\":\"" + new string('x', 1024 - 19) + "\"}";
        Assert.Equal(1024, atLimit.Length);
        await connection.SendJsonAsync(atLimit);
        Assert.Equal("pp", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());

        await connection.SendJsonAsync(atLimit + " ");
        (_, WebSocketMessageType type) = await connection.ReceiveAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, connection.Client.CloseStatus);
        Assert.True(await CompletesWithinAsync(connection.Stopped, settings.CloseTimeout + Slack));
    }

    [Fact]
    public async Task A_closed_connection_releases_its_subscriptions_and_presence()
    {
        await using LoopbackConnection connection = await StartAsync(ConnectionSettings.Default);
        await connection.ReceiveJsonAsync();
        await SubscribeAsync(connection);
        await connection.SendJsonAsync("""{"a":"ps","ch":"docs.d1","seq":1}""");
        Assert.Equal(connection.Actor, (await _presence.ExpectMsgAsync<PresenceCommands.Subscribe>()).Subscriber);
        await _presence.ExpectMsgAsync<PresenceCommands.Request>();
        await connection.SendJsonAsync(
            """{"a":"p","ch":"docs.d1","id":"cursor","p":{"index":0},"pv":1,"c":"docs","d":"d1","v":0,"t":"http://sharejs.org/types/text-unicode"}""");
        await _documents.ExpectMsgAsync<DocumentCommands.PublishPresence>();

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await connection.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
        Assert.True(await CompletesWithinAsync(connection.Stopped, TimeSpan.FromSeconds(3)));

        Assert.Equal(connection.Actor, (await _documents.ExpectMsgAsync<DocumentCommands.Unsubscribe>()).Subscriber);
        // The cursor's removal goes through the document, to be stamped with its latest version.
        var gone = await _documents.ExpectMsgAsync<DocumentCommands.PublishPresence>();
        Assert.Equal((Doc, "cursor", (JsonElement?)null, 2L),
            (gone.Document, gone.Presence.PresenceId, gone.Presence.Value, gone.Presence.PresenceVersion));
        Assert.Equal(connection.Actor, (await _presence.ExpectMsgAsync<PresenceCommands.Unsubscribe>()).Subscriber);
    }

    /// <summary>Subscribes the client to presence channel <paramref name="channel"/>; a probe answers as the channel's incarnation.</summary>
    private async Task<TestProbe> SubscribePresenceAsync(LoopbackConnection connection, string channel)
    {
        await connection.SendJsonAsync($$"""{"a":"ps","ch":"{{channel}}","seq":1}""");
        Assert.Equal(channel, (await _presence.ExpectMsgAsync<PresenceCommands.Subscribe>()).Channel);
        await _presence.ExpectMsgAsync<PresenceCommands.Request>();
        Assert.Equal("ps", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
        TestProbe incarnation = CreateTestProbe();
        connection.Actor.Tell(new PresenceReplies.Subscribed(channel), incarnation.Ref);
        return incarnation;
    }

    [Fact]
    public async Task When_a_presence_channel_ends_under_a_subscribed_client_the_connection_subscribes_again_and_asks_for_everyones_presence()
    {
        await using LoopbackConnection connection = await StartAsync(ConnectionSettings.Default);
        await connection.ReceiveJsonAsync(); // init
        TestProbe incarnation = await SubscribePresenceAsync(connection, "room");

        Sys.Stop(incarnation.Ref); // its node crashed, or its shard moved

        var renewed = await _presence.ExpectMsgAsync<PresenceCommands.Subscribe>();
        Assert.Equal(("room", connection.Actor), (renewed.Channel, renewed.Subscriber));
        Assert.Equal("room", (await _presence.ExpectMsgAsync<PresenceCommands.Request>()).Channel);
    }

    [Fact]
    public async Task A_connection_that_is_cut_releases_its_subscriptions()
    {
        await using LoopbackConnection connection = await StartAsync(ConnectionSettings.Default);
        await connection.ReceiveJsonAsync();
        await SubscribeAsync(connection);
        connection.Client.Abort();
        await connection.DisposeAsync();
        Assert.True(await CompletesWithinAsync(connection.Stopped, TimeSpan.FromSeconds(3)));
        Assert.Equal(connection.Actor, (await _documents.ExpectMsgAsync<DocumentCommands.Unsubscribe>()).Subscriber);
    }
}
