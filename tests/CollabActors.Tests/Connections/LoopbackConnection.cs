using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using CollabActors.Connections;

namespace CollabActors.Tests.Connections;

/// <summary>
/// A ConnectionActor on a real loopback TCP connection: the server side is a WebSocket over a
/// <see cref="HeartbeatStream"/> with its receive loop running and its <see cref="ConnectionLifetime"/> (which cuts the
/// TCP connection by closing the server's socket), as the host sets it up after the upgrade; the client side is a plain
/// client WebSocket on the other end of the socket pair, which the test drives (or leaves alone).
/// </summary>
internal sealed class LoopbackConnection : IAsyncDisposable
{
    private readonly TcpClient _serverTcp;
    private readonly TcpClient _clientTcp;

    private LoopbackConnection(TcpClient serverTcp, TcpClient clientTcp, WebSocket client, IActorRef actor, Task stopped, RecordingLifetime lifetime)
    {
        _serverTcp = serverTcp;
        _clientTcp = clientTcp;
        Client = client;
        Actor = actor;
        Stopped = stopped;
        Lifetime = lifetime;
    }

    /// <summary>The client's end: a standard WebSocket, which answers pings only while someone calls ReceiveAsync on it.</summary>
    public WebSocket Client { get; }

    public IActorRef Actor { get; }

    /// <summary>Completes when the connection actor has stopped (and aborted or closed its socket).</summary>
    public Task Stopped { get; }

    /// <summary>The connection's end: <see cref="RecordingLifetime.Over"/> completes when both the actor and the receive loop have ended.</summary>
    public RecordingLifetime Lifetime { get; }

    /// <param name="smallSocketBuffers">Shrink the kernel buffers so a client that stops reading blocks the server's writes early.</param>
    public static async Task<LoopbackConnection> StartAsync(
        ActorSystem system, ConnectionSettings settings, IActorRef documents, IActorRef presence, bool smallSocketBuffers = false)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var clientTcp = new TcpClient();
            if (smallSocketBuffers) clientTcp.ReceiveBufferSize = 4096;
            Task connecting = clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            TcpClient serverTcp = await listener.AcceptTcpClientAsync();
            await connecting;
            if (smallSocketBuffers) serverTcp.SendBufferSize = 4096;

            var heartbeat = new HeartbeatStream(serverTcp.GetStream());
            WebSocket server = WebSocket.CreateFromStream(heartbeat,
                new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
            WebSocket client = WebSocket.CreateFromStream(clientTcp.GetStream(),
                new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });

            var lifetime = new RecordingLifetime(settings.CloseTimeout * 2, cut: () => serverTcp.Client.Dispose());
            IActorRef actor = system.ActorOf(ConnectionActor.Props(
                server, heartbeat, "client-" + Guid.NewGuid().ToString("N"), settings, documents, presence, lifetime));
            Task stopped = actor.WatchAsync();
            _ = WebSocketReceiveLoop.RunAsync(server, actor, settings.MaxFrameBytes, InboundByteBudget.Unlimited, lifetime, CancellationToken.None);
            return new LoopbackConnection(serverTcp, clientTcp, client, actor, stopped, lifetime);
        }
        finally
        {
            listener.Stop();
        }
    }

    public async Task SendJsonAsync(string json)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Client.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>The next whole message, or (null, Close) when the server closed; throws if the socket was aborted.</summary>
    public async Task<(JsonElement? Message, WebSocketMessageType Type)> ReceiveAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            WebSocketReceiveResult result = await Client.ReceiveAsync(chunk, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return (null, WebSocketMessageType.Close);
            buffer.Write(chunk, 0, result.Count);
            if (result.EndOfMessage) return (JsonDocument.Parse(buffer.ToArray()).RootElement.Clone(), result.MessageType);
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? timeout = null)
    {
        (JsonElement? message, WebSocketMessageType type) = await ReceiveAsync(timeout ?? TimeSpan.FromSeconds(5));
        return message ?? throw new InvalidOperationException($"Expected a message, got {type} {Client.CloseStatus}.");
    }

    public ValueTask DisposeAsync()
    {
        Client.Abort();
        Client.Dispose();
        _clientTcp.Dispose();
        _serverTcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
