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
        HttpContext context, ActorSystem system, IRequiredActor<DocumentRegion> documents,
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

        // Aborting the WebSocket disposes Kestrel's upgraded stream, which does not end a read already waiting on it:
        // when the actor ends the connection (a dead peer, a close that timed out) the loop's read is cancelled, or
        // the request, and with it the TCP connection, would live on until the vanished peer's TCP stack gave up.
        using var receiving = new CancellationTokenSource();
        Task loop = WebSocketReceiveLoop.RunAsync(socket, connection, settings.MaxFrameBytes, receiving.Token);
        if (await Task.WhenAny(loop, stopped.Task) == stopped.Task) await receiving.CancelAsync();
        await loop;
        // The request (and with it the TCP connection) lives until the actor has closed the socket and stopped.
        if (await Task.WhenAny(stopped.Task, Task.Delay(settings.CloseTimeout * 2)) != stopped.Task)
        {
            logs.CreateLogger(typeof(WebSocketEndpoints)).LogWarning("Connection {ClientId} did not stop in time; aborting", clientId);
            connection.Tell(PoisonPill.Instance);
            socket.Abort();
        }
    }
}
