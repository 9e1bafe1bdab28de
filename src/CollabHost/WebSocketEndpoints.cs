using System.Net.WebSockets;
using CollabActors.Connections;
using CollabActors.Diagnostics;
using CollabActors.Security;
using CollabHost.Security;
using Microsoft.Extensions.Options;

namespace CollabHost;

/// <summary>
/// `/ws`: the ShareDB-protocol WebSocket endpoint. Before the upgrade: the access token (401, by the
/// <see cref="CollabAuthentication.Policy"/> policy), the origin (403) and the connection limits (429 per address, 503
/// per node); until then the connection counts as pending (<see cref="PendingConnectionLimiter"/>). Then ASP.NET Core
/// accepts the WebSocket (<see cref="WebSocketUpgrade"/>: an HTTP/1.1 upgrade or an HTTP/2 extended CONNECT) and
/// <see cref="WebSocketSessions"/> runs it; this request lives as long as the socket. A plain HTTP/1.1 upgrade that
/// passes every check is usually answered before it gets here, on Kestrel's connection
/// (<see cref="DirectWebSockets.DirectWebSocketUpgrade"/>); what it leaves, refusals included, comes here.
/// </summary>
public static class WebSocketEndpoints
{
    public static IEndpointRouteBuilder MapWebSocketEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws", HandleAsync).RequireAuthorization(CollabAuthentication.Policy);
        return endpoints;
    }

    private static async Task HandleAsync(
        HttpContext context, IHostApplicationLifetime lifetime, IOptions<CollabOptions> options, OriginPolicy origins,
        WebSocketSessions sessions, ILoggerFactory logs)
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
                access = CollabAuthentication.AccessOf(context.User, options.Value.Auth);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                log.LogInformation("Refused a WebSocket upgrade: {Reason}", e.Message);
                context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                await RefuseAsync(context, StatusCodes.Status401Unauthorized, "unauthorized", "The access token's claims are not usable: " + e.Message + ".");
                return;
            }
        }

        // The connection's place under the pending-connection limiter is among its features (PendingConnectionGate).
        var connectionPlace = context.Features.Get<PendingConnectionLimiter.Lease>();
        if (sessions.TryAdmit(context.Connection.RemoteIpAddress, connectionPlace, connectionEndsWithSocket: false, out ConnectionLimiter.Refusal full)
            is not { } admission)
        {
            bool node = full == ConnectionLimiter.Refusal.NodeFull;
            await RefuseAsync(context, node ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests,
                node ? "node_full" : "address_full",
                node ? "This node holds as many connections as it may." : "Too many connections from this address.");
            return;
        }
        WebSocket socket;
        HeartbeatStream stream;
        try
        {
            (socket, stream) = await WebSocketUpgrade.AcceptAsync(context);
        }
        catch
        {
            admission.Dispose();
            throw;
        }
        await sessions.RunAsync(admission, socket, stream, access, WebSocketUpgrade.ProtocolOf(context.Request), context.RequestAborted,
            static c => ((HttpContext)c).Abort(), context);
    }

    private static async Task RefuseAsync(HttpContext context, int status, string reason, string message)
    {
        CollabMetrics.MessageRejected("upgrade_" + reason);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(message);
    }
}
