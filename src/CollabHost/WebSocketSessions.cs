using System.Net;
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
/// What happens to a WebSocket at <c>/ws</c> once its handshake has passed every check: a place under the connection
/// limits (<see cref="TryAdmit"/>), then one connection actor for the socket and the receive loop feeding it, until
/// both have ended (<see cref="RunAsync"/>, <see cref="ConnectionLifetime"/>). Both ways a handshake is answered end
/// here: ASP.NET Core's HTTP request (<see cref="WebSocketEndpoints"/>) and Kestrel's connection below it
/// (<see cref="DirectWebSockets.DirectWebSocketUpgrade"/>).
/// </summary>
public sealed class WebSocketSessions(
    ActorSystem system, IHostApplicationLifetime lifetime, IRequiredActor<DocumentRegion> documents, IRequiredActor<PresenceRegion> presence,
    IOptions<CollabOptions> options, ConnectionLimiter limiter, InboundByteBudget inbound, AddressCreateBudget creates,
    IServiceProvider services, ILogger<WebSocketSessions> log) : IDisposable
{
    private readonly ConnectionSettings _settings = options.Value.Connections;
    private readonly ILogger<WebSocketSessions> _log = log;

    // On shutdown every socket is closed with 1001 (going away), so clients reconnect (to another node). One
    // registration tells every connection actor of the node by name, rather than one registration per socket (~170
    // bytes each: a callback node, a delegate and its closure).
    private readonly CancellationTokenRegistration _onStopping = lifetime.ApplicationStopping.Register(
        static s => ((ActorSystem)s!).ActorSelection("/user/" + ConnectionActor.NamePrefix + "*").Tell(ConnectionMessages.ServerShuttingDown.Instance),
        system);
    private readonly IDocumentQueries? _queries = services.GetService<IDocumentQueries>();
    private readonly IQuerySubscriptions? _querySubscriptions = services.GetService<IQuerySubscriptions>();

    /// <summary>
    /// A place for one more WebSocket from <paramref name="address"/> under the node's and the address's limits, or
    /// null with the limit that refused it.
    /// </summary>
    /// <param name="connection">
    /// The TCP connection's place under the <see cref="PendingConnectionLimiter"/> (none in tests without Kestrel's
    /// connection middleware): from here it no longer counts as pending.
    /// </param>
    /// <param name="connectionEndsWithSocket">
    /// Whether the TCP connection ends with this WebSocket (below the HTTP layer): then the admission also gives its
    /// place back. Over HTTP the connection outlives the request (and over HTTP/2 carries others), and gives it back itself.
    /// </param>
    public Admission? TryAdmit(
        IPAddress? address, PendingConnectionLimiter.Lease? connection, bool connectionEndsWithSocket, out ConnectionLimiter.Refusal refusal)
    {
        refusal = limiter.TryAcquire(address, out IDisposable? lease);
        if (refusal != ConnectionLimiter.Refusal.None) return null;
        connection?.Upgraded();
        // The address the connection limiter counted: creates are budgeted per address across its connections.
        AddressCreateBudget.Share addressCreates = creates.Join(ConnectionLimiter.AddressKey(address).ToString(), Environment.TickCount64);
        return new Admission(lease!, addressCreates, connectionEndsWithSocket ? connection : null);
    }

    /// <summary>
    /// Runs an accepted socket's connection to its end: the connection actor, and the receive loop, whose task this
    /// is. <paramref name="aborted"/> fires when the TCP connection is gone; <paramref name="abort"/> cuts it, given
    /// <paramref name="abortState"/> (a static delegate and its state: nothing allocated per socket for a rare event).
    /// </summary>
    /// <remarks>
    /// Nothing here stays suspended for the connection's life: once the node is up the start completes at once and the
    /// task returned is the receive loop's own, which also runs the wait at the connection's end (<see cref="Lifetime"/>).
    /// </remarks>
    public Task RunAsync(
        Admission admission, WebSocket socket, HeartbeatStream stream, ConnectionAccess access, string protocol,
        CancellationToken aborted, Action<object> abort, object abortState) =>
        StartAsync(admission, socket, stream, access, protocol, aborted, abort, abortState).Unwrap();

    /// <summary>Starts the connection actor and the receive loop; the result is the loop's task.</summary>
    private async Task<Task> StartAsync(
        Admission admission, WebSocket socket, HeartbeatStream stream, ConnectionAccess access, string protocol,
        CancellationToken aborted, Action<object> abort, object abortState)
    {
        IActorRef connection;
        Lifetime connectionLifetime;
        try
        {
            string clientId = access.ClientIds.NewId();
            CollabMetrics.WebSocketAccepted(protocol);
            _log.LogDebug("Accepted WebSocket {ClientId} over {Protocol}", clientId, protocol);
            // Known, and so completed, once the node is up: only a socket accepted while it starts waits here.
            IActorRef documentRegion = await documents.GetAsync(aborted);
            IActorRef presenceRegion = await presence.GetAsync(aborted);
            connectionLifetime = new Lifetime(this, admission, clientId, abort, abortState);
            connection = system.ActorOf(
                ConnectionActor.Props(socket, stream, clientId, _settings, documentRegion, presenceRegion, connectionLifetime, access, admission.Creates,
                    _queries, _querySubscriptions),
                ConnectionActor.NamePrefix + clientId);
        }
        catch
        {
            admission.Dispose();
            throw;
        }

        // A connection made while the node began to stop may have missed the word to every connection (_onStopping);
        // a second word is harmless: a closing connection ignores it.
        if (lifetime.ApplicationStopping.IsCancellationRequested) connection.Tell(ConnectionMessages.ServerShuttingDown.Instance);
        // The TCP connection gone (or cut) also ends a wait for the inbound budget.
        return WebSocketReceiveLoop.RunAsync(socket, connection, _settings.MaxFrameBytes, inbound, connectionLifetime, aborted);
    }

    public void Dispose() => _onStopping.Dispose();

    /// <summary>
    /// A WebSocket's place under the connection limits and its share of its address's create budget, and below the
    /// HTTP layer its TCP connection's place too, given back on dispose.
    /// </summary>
    public sealed class Admission(IDisposable lease, AddressCreateBudget.Share creates, IDisposable? connection) : IDisposable
    {
        public AddressCreateBudget.Share Creates => creates;

        public void Dispose()
        {
            creates.Dispose();
            lease.Dispose();
            connection?.Dispose();
        }
    }

    /// <summary>
    /// One session's end as the host has it: the actor waited for twice its close timeout, the TCP connection cut through
    /// the path's own abort, a warning when the actor would not stop, and the admission given back.
    /// </summary>
    private sealed class Lifetime(WebSocketSessions sessions, Admission admission, string clientId, Action<object> abort, object abortState)
        : ConnectionLifetime
    {
        protected override TimeSpan StopTimeout => sessions._settings.CloseTimeout * 2;

        protected override void Cut() => abort(abortState);

        protected override void StopTimedOut(IActorRef connection) =>
            sessions._log.LogWarning("Connection {ClientId} did not stop in time; aborting", clientId);

        protected override void Ended() => admission.Dispose();
    }
}
