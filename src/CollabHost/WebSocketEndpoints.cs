using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using CollabActors.Connections;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Queries;
using CollabActors.Security;
using CollabHost.Security;
using Microsoft.Extensions.Options;

namespace CollabHost;

/// <summary>
/// `/ws`: the ShareDB-protocol WebSocket endpoint. Before the upgrade: the access token (401, by the
/// <see cref="CollabAuthentication.Policy"/> policy), the origin (403) and the connection limits (429 per address, 503
/// per node); until then the connection counts as pending (<see cref="PendingConnectionLimiter"/>). Then ASP.NET Core
/// accepts the WebSocket (<see cref="WebSocketUpgrade"/>: an HTTP/1.1 upgrade or an HTTP/2 extended CONNECT), one
/// connection actor per socket; this request runs its receive loop.
/// </summary>
public static class WebSocketEndpoints
{
    public static IEndpointRouteBuilder MapWebSocketEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws", HandleAsync).RequireAuthorization(CollabAuthentication.Policy);
        return endpoints;
    }

    private static async Task HandleAsync(
        HttpContext context, ActorSystem system, IHostApplicationLifetime lifetime, IRequiredActor<DocumentRegion> documents,
        IRequiredActor<PresenceRegion> presence, IOptions<CollabOptions> options, OriginPolicy origins, ConnectionLimiter limiter,
        InboundByteBudget inbound, PendingConnectionLimiter pending, AddressCreateBudget creates, ILoggerFactory logs)
    {
        ILogger log = logs.CreateLogger(typeof(WebSocketEndpoints));
        if (WebSocketUpgrade.Refusal(context) is { } refusal)
        {
            if (refusal.Status == StatusCodes.Status426UpgradeRequired) context.Response.Headers.SecWebSocketVersion = WebSocketUpgrade.Version;
            await RefuseAsync(context, refusal.Status, refusal.Reason, refusal.Message);
            return;
        }
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, "shutting_down", "The server is shutting down.");
            return;
        }
        if (!origins.Allows(context.Request))
        {
            log.LogWarning("Refused a WebSocket upgrade from origin {Origin}", context.Request.Headers.Origin.ToString());
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "origin", "Origin not allowed.");
            return;
        }
        ConnectionAccess access = ConnectionAccess.Unrestricted;
        if (options.Value.Auth.Enabled)
        {
            // The JwtBearer handler has validated the token (CollabAuthentication's policy guards this endpoint); what
            // is left is reading what it grants. Never log the token itself: a logged token is a stolen token.
            try
            {
                access = AccessTokenClaims.From(context.User).ToAccess(options.Value.Auth.ClientIdKey());
                // The session ends where the token stops being accepted: at exp plus the clock skew the check allowed.
                access = access with { ExpiresAt = access.ExpiresAt + options.Value.Auth.ClockSkew };
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                log.LogInformation("Refused a WebSocket upgrade: {Reason}", e.Message);
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "The access token's claims are not usable: " + e.Message + ".");
                return;
            }
        }

        ConnectionLimiter.Refusal full = limiter.TryAcquire(context.Connection.RemoteIpAddress, out IDisposable? lease);
        if (full != ConnectionLimiter.Refusal.None)
        {
            bool node = full == ConnectionLimiter.Refusal.NodeFull;
            await RefuseAsync(context, node ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests,
                node ? "node_full" : "address_full",
                node ? "This node holds as many connections as it may." : "Too many connections from this address.");
            return;
        }
        using IDisposable slot = lease!;
        // From here the connection limiter counts this connection: it is no longer one waiting for its upgrade.
        pending.Upgraded(context.Connection.Id);
        // The address the connection limiter counted: creates are budgeted per address across its connections.
        using AddressCreateBudget.Share addressCreates = creates.Join(ConnectionLimiter.AddressKey(context.Connection.RemoteIpAddress).ToString(),
            Environment.TickCount64);
        await RunConnectionAsync(context, system, lifetime, documents, presence, options.Value.Connections, inbound, access, addressCreates, log);
    }

    /// <summary>How long a connection whose actor has stopped waits for its receive loop to end by itself before the TCP connection is cut.</summary>
    private static readonly TimeSpan ReceiveEndGrace = TimeSpan.FromMilliseconds(200);

    private static async Task RunConnectionAsync(
        HttpContext context, ActorSystem system, IHostApplicationLifetime lifetime, IRequiredActor<DocumentRegion> documents,
        IRequiredActor<PresenceRegion> presence, ConnectionSettings settings, InboundByteBudget inbound, ConnectionAccess access,
        AddressCreateBudget.Share addressCreates, ILogger log)
    {
        (WebSocket socket, HeartbeatStream stream) = await WebSocketUpgrade.AcceptAsync(context);
        string clientId = access.ClientIds.NewId();
        string protocol = WebSocketUpgrade.ProtocolOf(context.Request);
        CollabMetrics.WebSocketAccepted(protocol);
        log.LogDebug("Accepted WebSocket {ClientId} over {Protocol}", clientId, protocol);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef connection = system.ActorOf(
            ConnectionActor.Props(socket, stream, clientId, settings,
                await documents.GetAsync(context.RequestAborted), await presence.GetAsync(context.RequestAborted), stopped, access, addressCreates,
                context.RequestServices.GetService<IDocumentQueries>(), context.RequestServices.GetService<IQuerySubscriptions>()),
            ConnectionActor.NamePrefix + clientId);

        // On shutdown every socket is closed with 1001 (going away), so clients reconnect (to another node).
        await using CancellationTokenRegistration onStopping =
            lifetime.ApplicationStopping.Register(() => connection.Tell(ConnectionMessages.ServerShuttingDown.Instance));
        // RequestAborted (the TCP connection gone, or cut below) also ends a wait for the inbound budget.
        Task receiving = WebSocketReceiveLoop.RunAsync(socket, connection, settings.MaxFrameBytes, inbound, context.RequestAborted);
        if (await Task.WhenAny(receiving, stopped.Task) == stopped.Task)
        {
            // The actor ended the connection (heartbeat timeout, slow consumer, close timeout). Aborting the socket
            // does not wake a read pending on Kestrel's upgraded stream, so cut the TCP connection itself. But not a
            // receive loop that is ending by itself: after the client's close frame the loop tells the actor and
            // returns, and on a busy machine the actor can answer and stop before the loop's task completes. Cut
            // then, the connection lost the close reply still in Kestrel's output and the client saw a reset instead
            // of the close handshake (ConnectionLifecycleTests, now and then in CI).
            if (await Task.WhenAny(receiving, Task.Delay(ReceiveEndGrace)) != receiving) context.Abort();
            await receiving;
            return;
        }
        // The request (and with it the TCP connection) lives until the actor has closed the socket and stopped.
        if (await Task.WhenAny(stopped.Task, Task.Delay(settings.CloseTimeout * 2)) != stopped.Task)
        {
            log.LogWarning("Connection {ClientId} did not stop in time; aborting", clientId);
            connection.Tell(PoisonPill.Instance);
            context.Abort();
        }
    }

    private static async Task RefuseAsync(HttpContext context, int status, string reason, string message)
    {
        CollabMetrics.MessageRejected("upgrade_" + reason);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(message);
    }
}
