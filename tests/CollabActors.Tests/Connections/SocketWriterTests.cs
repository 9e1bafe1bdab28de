using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Event;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Connections;

/// <summary>
/// The writer's rules with no actor and no socket: a real server WebSocket over a <see cref="HeartbeatStream"/> whose
/// bytes land in memory, and a clock the test moves. Each test plays the owner: it awaits the write a step carries,
/// reports it completed, and calls <see cref="SocketWriter.WriteDue"/> when the step asks for a wait.
/// </summary>
public class SocketWriterTests
{
    private static readonly DocumentId Doc = new("docs", "d1");

    private readonly RecordingStream _wire = new();
    private readonly WebSocket _socket;
    private readonly HeartbeatStream _heartbeat;

    public SocketWriterTests()
    {
        _heartbeat = new HeartbeatStream(_wire);
        _socket = WebSocket.CreateFromStream(_heartbeat, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    private SocketWriter NewWriter(ConnectionSettings settings) => new(_socket, _heartbeat, settings, NoLogger.Instance, () => "client-1");

    private static PreparedMessage Op(long version, int insertLength = 1)
    {
        var op = new CommittedOp(version, "someone-else", version + 1, new EditChange(TextOp.InsertAt(0, new string('x', insertLength))), 0);
        return new PreparedMessage(op.ToMessage(Doc));
    }

    /// <summary>Awaits the step's write and reports it done, as the connection actor does through its mailbox.</summary>
    private static async Task<WriterStep> CompleteAsync(SocketWriter writer, WriterStep step, long nowMs)
    {
        Assert.NotNull(step.Write);
        await step.Write;
        return writer.WriteCompleted(nowMs);
    }

    /// <summary>A busy connection (paced from the first frame) that just wrote its first reply at time 0.</summary>
    private async Task<SocketWriter> JustWroteAsync(ConnectionSettings settings)
    {
        SocketWriter writer = NewWriter(settings);
        Assert.Equal(WriterStep.None, await CompleteAsync(writer, writer.Reply(PongReply.Instance, 0), 0));
        _wire.Clear();
        return writer;
    }

    [Fact]
    public async Task A_reply_is_written_at_once()
    {
        SocketWriter writer = NewWriter(ConnectionSettings.Default);

        WriterStep step = writer.Reply(PongReply.Instance, 0);
        await step.Write!;

        Assert.Equal(["pp"], _wire.Frames().Select(f => f.Action));
    }

    [Fact]
    public async Task Broadcasts_within_the_write_interval_wait_for_it_and_go_out_together_in_order()
    {
        var settings = new ConnectionSettings { MinWriteInterval = TimeSpan.FromMilliseconds(1000), PacedAboveFramesPerSecond = 1 };
        SocketWriter writer = await JustWroteAsync(settings);

        WriterStep first = writer.Push(Op(0), null, 100);
        Assert.Null(first.Write);
        Assert.Equal(TimeSpan.FromMilliseconds(900), first.WriteAfter);
        Assert.Equal(WriterStep.None, writer.Push(Op(1), null, 200));
        Assert.Equal(WriterStep.None, writer.Push(Op(2), null, 300));
        Assert.Empty(_wire.Writes);

        WriterStep due = writer.WriteDue(1000);
        await due.Write!;

        Assert.Equal([0L, 1L, 2L], _wire.Frames().Select(f => f.Version));
        Assert.Single(_wire.Writes); // corked: one write to the stream for the batch
    }

    [Fact]
    public async Task A_broadcast_to_a_connection_that_has_not_written_for_the_interval_goes_out_at_once()
    {
        var settings = new ConnectionSettings { MinWriteInterval = TimeSpan.FromMilliseconds(1000), PacedAboveFramesPerSecond = 1 };
        SocketWriter writer = await JustWroteAsync(settings);

        WriterStep step = writer.Push(Op(0), null, 1200);
        await step.Write!;

        Assert.Equal([0L], _wire.Frames().Select(f => f.Version));
    }

    [Fact]
    public async Task A_connection_sent_few_frames_a_second_is_not_paced()
    {
        var settings = new ConnectionSettings { MinWriteInterval = TimeSpan.FromSeconds(10) }; // default threshold: 50 frames/s
        SocketWriter writer = await JustWroteAsync(settings);

        WriterStep step = writer.Push(Op(0), null, 10);

        Assert.NotNull(step.Write);
        await step.Write;
        Assert.Equal([0L], _wire.Frames().Select(f => f.Version));
    }

    [Fact]
    public async Task A_connection_sent_as_many_frames_in_a_second_as_the_threshold_is_paced()
    {
        var settings = new ConnectionSettings { MinWriteInterval = TimeSpan.FromSeconds(10), PacedAboveFramesPerSecond = 5 };
        SocketWriter writer = NewWriter(settings);
        for (int v = 0; v < 4; v++)
        {
            WriterStep step = writer.Push(Op(v), null, 0);
            Assert.NotNull(step.Write); // fewer than five this second: each goes out at once
            Assert.Equal(WriterStep.None, await CompleteAsync(writer, step, 0));
        }

        WriterStep fifth = writer.Push(Op(4), null, 0);

        Assert.Null(fifth.Write);
        Assert.Equal(TimeSpan.FromSeconds(10), fifth.WriteAfter);
    }

    [Fact]
    public async Task A_reply_is_written_at_once_and_takes_the_broadcasts_queued_before_it_along_in_order()
    {
        var settings = new ConnectionSettings { MinWriteInterval = TimeSpan.FromSeconds(10), PacedAboveFramesPerSecond = 1 };
        SocketWriter writer = await JustWroteAsync(settings);
        Assert.NotNull(writer.Push(Op(0), null, 10).WriteAfter); // held back: the reply was just written

        WriterStep step = writer.Reply(PongReply.Instance, 20);
        await step.Write!;

        Assert.Equal(["op", "pp"], _wire.Frames().Select(f => f.Action));
    }

    [Fact]
    public async Task Pacing_never_holds_frames_past_half_the_slow_consumer_bound()
    {
        var settings = new ConnectionSettings { MaxQueuedFrames = 10, MinWriteInterval = TimeSpan.FromSeconds(10), PacedAboveFramesPerSecond = 1 };
        SocketWriter writer = await JustWroteAsync(settings);

        for (int v = 0; v < 4; v++) Assert.Null(writer.Push(Op(v), null, 10 + v).Write);
        WriterStep fifth = writer.Push(Op(4), null, 20);

        Assert.NotNull(fifth.Write);
        await fifth.Write;
        Assert.Equal([0L, 1L, 2L, 3L, 4L], _wire.Frames().Select(f => f.Version));
    }

    [Fact]
    public async Task Frames_queued_while_a_write_runs_go_out_together_in_the_next()
    {
        SocketWriter writer = NewWriter(ConnectionSettings.Default);
        WriterStep running = writer.Reply(PongReply.Instance, 0);
        Assert.Equal(WriterStep.None, writer.Push(Op(0), null, 0)); // one write at a time
        Assert.Equal(WriterStep.None, writer.Push(Op(1), null, 0));
        Assert.Equal(2, writer.Queued);

        WriterStep next = await CompleteAsync(writer, running, 1);
        await next.Write!;

        Assert.Equal(["pp", "op", "op"], _wire.Frames().Select(f => f.Action));
        Assert.Equal(2, _wire.Writes.Count); // the reply alone, then the two ops corked into one
    }

    [Fact]
    public async Task A_queue_past_its_bound_closes_the_connection_with_1008_and_drops_what_was_queued()
    {
        SocketWriter writer = NewWriter(new ConnectionSettings { MaxQueuedFrames = 3 });
        WriterStep running = writer.Reply(PongReply.Instance, 0); // not reported done yet: the client reads slowly
        for (int v = 0; v < 3; v++) Assert.Equal(WriterStep.None, writer.Push(Op(v), null, 0));

        WriterStep overflow = writer.Push(Op(3), null, 0);

        Assert.True(overflow.CloseStarted);
        Assert.True(writer.IsClosing);
        Assert.Equal(0, writer.Queued);
        WriterStep close = await CompleteAsync(writer, running, 0);
        await close.Write!;
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, _wire.CloseStatus());
        Assert.DoesNotContain(_wire.Frames(), f => f.Action == "op");
    }

    [Fact]
    public async Task A_close_goes_out_after_the_frames_queued_before_it_and_nothing_is_queued_after()
    {
        SocketWriter writer = NewWriter(ConnectionSettings.Default);
        WriterStep running = writer.Reply(PongReply.Instance, 0);
        writer.Push(Op(0), null, 0);

        WriterStep closing = writer.Close(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down.", 0);
        Assert.True(closing.CloseStarted);
        Assert.Null(closing.Write); // the reply is still being written
        Assert.Equal(WriterStep.None, writer.Push(Op(1), null, 0));
        Assert.Equal(WriterStep.None, writer.Reply(PongReply.Instance, 0));
        Assert.Equal(WriterStep.None, writer.Close(WebSocketCloseStatus.NormalClosure, "", 0));

        WriterStep queued = await CompleteAsync(writer, running, 0);
        WriterStep close = await CompleteAsync(writer, queued, 0);
        await close.Write!;

        Assert.Equal(["pp", "op"], _wire.Frames().Select(f => f.Action));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, _wire.CloseStatus());
        Assert.False((await CompleteAsync(writer, close, 0)).Finished); // the client has not answered the close yet
    }

    [Fact]
    public async Task Replies_are_encoded_as_the_clients_last_frame_was()
    {
        SocketWriter writer = NewWriter(ConnectionSettings.Default);
        writer.Encoding = WireEncoding.MessagePack;

        await writer.Reply(PongReply.Instance, 0).Write!;

        Assert.Equal(0x2, _wire.RawFrames().Single().Opcode); // binary
    }

    /// <summary>A write-only stream that keeps each write it is given.</summary>
    private sealed class RecordingStream : DuplexByteStream
    {
        public List<byte[]> Writes { get; } = new();

        public void Clear() => Writes.Clear();

        /// <summary>The frames on the wire (server frames are unmasked): opcode and payload.</summary>
        public IEnumerable<(int Opcode, byte[] Payload)> RawFrames()
        {
            byte[] all = Writes.SelectMany(w => w).ToArray();
            for (int at = 0; at < all.Length;)
            {
                int opcode = all[at] & 0x0F;
                long length = all[at + 1] & 0x7F;
                at += 2;
                if (length == 126) { length = (all[at] << 8) | all[at + 1]; at += 2; }
                else if (length == 127) { length = BitConverter.ToInt64(all.AsSpan(at, 8).ToArray().Reverse().ToArray()); at += 8; }
                yield return (opcode, all.AsSpan(at, (int)length).ToArray());
                at += (int)length;
            }
        }

        /// <summary>The text frames as (a, v) of their JSON.</summary>
        public IEnumerable<(string Action, long Version)> Frames() =>
            RawFrames().Where(f => f.Opcode == 0x1).Select(f =>
            {
                JsonElement m = JsonDocument.Parse(Encoding.UTF8.GetString(f.Payload)).RootElement;
                return (m.GetProperty("a").GetString()!, m.TryGetProperty("v", out JsonElement v) ? v.GetInt64() : -1);
            });

        public WebSocketCloseStatus? CloseStatus() =>
            RawFrames().Where(f => f.Opcode == 0x8).Select(f => (WebSocketCloseStatus?)((f.Payload[0] << 8) | f.Payload[1])).SingleOrDefault();

        public override void Write(byte[] buffer, int offset, int count) => Writes.Add(buffer.AsSpan(offset, count).ToArray());

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Writes.Add(buffer.ToArray());
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Nobody reads in these tests.");
    }
}
