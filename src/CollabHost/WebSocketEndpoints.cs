using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Presence;
using Microsoft.Extensions.Options;

namespace CollabHost;

/// <summary>`/ws`: the ShareDB-protocol WebSocket endpoint. One connection actor per socket; this request runs its receive loop.</summary>
public static class WebSocketEndpoints
{
    public static IEndpointRouteBuilder MapWebSocketEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws", HandleAsync);
        return endpoints;
    }

    private static async Task HandleAsync(
        HttpContext context, ActorSystem system, IHostApplicationLifetime lifetime, IRequiredActor<DocumentRegion> documents,
        IRequiredActor<PresenceRegion> presence, IOptions<CollabOptions> options, ILoggerFactory logs)
    {
        if (WebSocketUpgrade.Refusal(context) is { } refusal)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(refusal);
            return;
        }

        ConnectionSettings settings = options.Value.Connections;
        (WebSocket socket, HeartbeatStream stream) = await WebSocketUpgrade.AcceptAsync(context);
        string clientId = Guid.NewGuid().ToString("N");
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef connection = system.ActorOf(
            ConnectionActor.Props(socket, stream, clientId, settings,
                await documents.GetAsync(context.RequestAborted), await presence.GetAsync(context.RequestAborted), stopped),
            "connection-" + clientId);

        // On shutdown every socket is closed with 1001 (going away), so clients reconnect (to another node).
        await using CancellationTokenRegistration onStopping =
            lifetime.ApplicationStopping.Register(() => connection.Tell(ConnectionMessages.ServerShuttingDown.Instance));
        Task receiving = WebSocketReceiveLoop.RunAsync(socket, connection, settings.MaxFrameBytes, CancellationToken.None);
        if (await Task.WhenAny(receiving, stopped.Task) == stopped.Task)
        {
            // The actor ended the connection (heartbeat timeout, slow consumer, close timeout). Aborting the socket
            // does not wake a read pending on Kestrel's upgraded stream, so cut the TCP connection itself.
            context.Abort();
            await receiving;
            return;
        }
        // The request (and with it the TCP connection) lives until the actor has closed the socket and stopped.
        if (await Task.WhenAny(stopped.Task, Task.Delay(settings.CloseTimeout * 2)) != stopped.Task)
        {
            logs.CreateLogger(typeof(WebSocketEndpoints)).LogWarning("Connection {ClientId} did not stop in time; aborting", clientId);
            connection.Tell(PoisonPill.Instance);
            context.Abort();
        }
    }
}
