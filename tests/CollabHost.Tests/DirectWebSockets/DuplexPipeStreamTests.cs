using System.IO.Pipelines;
using System.Text;
using CollabActors.Connections;
using CollabHost.DirectWebSockets;

namespace CollabHost.Tests.DirectWebSockets;

/// <summary>The stream a WebSocket served below the HTTP layer runs on: Kestrel's transport pipes, read and written as a stream.</summary>
public class DuplexPipeStreamTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>A transport as Kestrel hands it over: what the client sent comes in on Input, what we write goes out on Output.</summary>
    private sealed class Transport : IDuplexPipe
    {
        public Pipe FromClient { get; } = new();
        public Pipe ToClient { get; } = new();
        public PipeReader Input => FromClient.Reader;
        public PipeWriter Output => ToClient.Writer;
    }

    [Fact]
    public async Task A_read_takes_what_the_client_sent_up_to_the_buffer_and_leaves_the_rest_for_the_next()
    {
        var transport = new Transport();
        var stream = new DuplexPipeStream(transport);
        await transport.FromClient.Writer.WriteAsync(Encoding.ASCII.GetBytes("hello world"));

        var buffer = new byte[5];
        Assert.Equal(5, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
        Assert.Equal("hello", Encoding.ASCII.GetString(buffer));
        Assert.Equal(5, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
        Assert.Equal(" worl", Encoding.ASCII.GetString(buffer));
        Assert.Equal(1, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task A_read_into_an_empty_buffer_waits_for_bytes_and_takes_none()
    {
        var transport = new Transport();
        var stream = new DuplexPipeStream(transport);

        ValueTask<int> waiting = stream.ReadAsync(Memory<byte>.Empty);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted, "a zero-byte read returned before any byte came");
        await transport.FromClient.Writer.WriteAsync(Encoding.ASCII.GetBytes("abc"));
        Assert.Equal(0, await waiting.AsTask().WaitAsync(Bound));

        var buffer = new byte[8];
        Assert.Equal(3, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
        Assert.Equal("abc", Encoding.ASCII.GetString(buffer, 0, 3));
    }

    [Fact]
    public async Task The_end_of_the_clients_bytes_reads_as_zero()
    {
        var transport = new Transport();
        var stream = new DuplexPipeStream(transport);
        await transport.FromClient.Writer.WriteAsync(Encoding.ASCII.GetBytes("x"));
        await transport.FromClient.Writer.CompleteAsync();

        var buffer = new byte[8];
        Assert.Equal(1, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
        Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task A_cancelled_read_throws_and_the_bytes_stay_for_the_next_read()
    {
        var transport = new Transport();
        var stream = new DuplexPipeStream(transport);
        ValueTask<int> waiting = stream.ReadAsync(new byte[4]);
        transport.Input.CancelPendingRead();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask().WaitAsync(Bound));
        await transport.FromClient.Writer.WriteAsync(Encoding.ASCII.GetBytes("ok"));
        Assert.Equal(2, await stream.ReadAsync(new byte[4]).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Writes_reach_the_client_flushed()
    {
        var transport = new Transport();
        var stream = new DuplexPipeStream(transport);

        await stream.WriteAsync(Encoding.ASCII.GetBytes("frame"));

        ReadResult sent = await transport.ToClient.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        Assert.Equal("frame", Encoding.ASCII.GetString(sent.Buffer));
    }

    [Fact]
    public async Task It_notes_when_the_client_last_sent_a_byte_and_a_heartbeat_stream_over_it_reads_that_clock()
    {
        var transport = new Transport();
        var stream = new DuplexPipeStream(transport);
        var heartbeat = new HeartbeatStream(stream);
        long before = stream.LastInboundTick;
        await Task.Delay(30);

        await transport.FromClient.Writer.WriteAsync(Encoding.ASCII.GetBytes("pong"));
        Assert.Equal(4, await heartbeat.ReadAsync(new byte[8]).AsTask().WaitAsync(Bound));

        Assert.True(stream.LastInboundTick > before, "the read did not move the clock");
        Assert.Equal(stream.LastInboundTick, heartbeat.LastInboundTick);
    }
}
