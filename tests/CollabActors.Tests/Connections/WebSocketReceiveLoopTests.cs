using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Akka.TestKit.Xunit2;
using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

/// <summary>The socket's read half over a real loopback TCP connection, with the connection actor played by a probe.</summary>
public sealed class WebSocketReceiveLoopTests : TestKit, IAsyncLifetime
{
    private const int MaxFrameBytes = 256 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly CountingPool _buffers = new();
    private TcpClient? _clientTcp;
    private Socket? _serverTcp;
    private WebSocket _client = null!;
    private WebSocket _server = null!;

    public async Task InitializeAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _clientTcp = new TcpClient();
        Task connect = _clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        _serverTcp = await listener.AcceptSocketAsync();
        await connect;
        listener.Stop();
        _server = WebSocket.CreateFromStream(new NetworkStream(_serverTcp, ownsSocket: true), new WebSocketCreationOptions { IsServer = true });
        _client = WebSocket.CreateFromStream(_clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false });
    }

    public Task DisposeAsync()
    {
        _client.Dispose();
        _server.Dispose();
        _clientTcp?.Dispose();
        return Task.CompletedTask;
    }

    private Task StartLoop(Akka.TestKit.TestProbe probe) =>
        WebSocketReceiveLoop.RunAsync(_server, probe.Ref, MaxFrameBytes, _buffers, CancellationToken.None);

    private Task SendText(string text) =>
        _client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    [Fact]
    public async Task Frames_arrive_whole_and_in_order_whatever_their_size_or_fragmentation()
    {
        var probe = CreateTestProbe();
        Task loop = StartLoop(probe);
        string large = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i:D4}é😀,")); // about 45 KB, past the first buffer
        await SendText("");
        await SendText("{\"a\":\"hs\"}");
        await SendText(large);
        await _client.SendAsync(Encoding.UTF8.GetBytes("frag"), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(Encoding.UTF8.GetBytes("men"), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await _client.SendAsync(Encoding.UTF8.GetBytes("ted"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await _client.SendAsync(new byte[] { 0x81, 0xa1, 0x61 }, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

        foreach (string expected in new[] { "", "{\"a\":\"hs\"}", large, "fragmented" })
        {
            var frame = probe.ExpectMsg<ConnectionMessages.FrameReceived>(Wait);
            Assert.False(frame.Binary);
            Assert.Equal(expected, Encoding.UTF8.GetString(frame.Payload));
        }
        var binary = probe.ExpectMsg<ConnectionMessages.FrameReceived>(Wait);
        Assert.True(binary.Binary);
        Assert.Equal(new byte[] { 0x81, 0xa1, 0x61 }, binary.Payload);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.False(loop.IsCompleted);
    }

    [Fact]
    public async Task A_quiet_connection_holds_no_buffer_between_frames()
    {
        var probe = CreateTestProbe();
        Task loop = StartLoop(probe);
        await Task.Delay(200);
        Assert.Equal(0, _buffers.Outstanding);

        await SendText(new string('x', 40_000));
        probe.ExpectMsg<ConnectionMessages.FrameReceived>(Wait);
        await AwaitConditionAsync(() => Task.FromResult(_buffers.Outstanding == 0), Wait);
        Assert.True(_buffers.Rented > 0);
        Assert.False(loop.IsCompleted);
    }

    [Fact]
    public async Task A_close_from_the_client_ends_the_loop_with_its_status()
    {
        var probe = CreateTestProbe();
        Task loop = StartLoop(probe);
        await SendText("last words");
        await _client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "bye", CancellationToken.None);

        Assert.Equal("last words", Encoding.UTF8.GetString(probe.ExpectMsg<ConnectionMessages.FrameReceived>(Wait).Payload));
        var ended = probe.ExpectMsg<ConnectionMessages.ReceiveEnded>(Wait);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, ended.Status);
        Assert.Null(ended.Error);
        await loop.WaitAsync(Wait);
        Assert.Equal(0, _buffers.Outstanding);
    }

    [Fact]
    public async Task A_frame_over_the_limit_stops_the_loop()
    {
        var probe = CreateTestProbe();
        Task loop = StartLoop(probe);
        _ = SendText(new string('x', MaxFrameBytes + 1));

        Assert.True(probe.ExpectMsg<ConnectionMessages.FrameTooLarge>(Wait).Bytes > MaxFrameBytes);
        await loop.WaitAsync(Wait);
        Assert.Equal(0, _buffers.Outstanding);
    }

    /// <summary>The shared pool, counting what is rented and not yet returned.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        private int _outstanding;
        private int _rented;

        public int Outstanding => Volatile.Read(ref _outstanding);

        public int Rented => Volatile.Read(ref _rented);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _rented);
            Interlocked.Increment(ref _outstanding);
            return Shared.Rent(minimumLength);
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            Interlocked.Decrement(ref _outstanding);
            Shared.Return(array, clearArray);
        }
    }
}
