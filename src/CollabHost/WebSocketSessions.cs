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
/// either ends (<see cref="RunAsync"/>). Both ways a handshake is answered end here: ASP.NET Core's HTTP request
/// (<see cref="WebSocketEndpoints"/>) and Kestrel's connection below it (<see cref="DirectWebSockets.DirectWebSocketUpgrade"/>).
/// </summary>
public sealed class WebSocketSessions(
    ActorSystem system, IHostApplicationLifetime lifetime, IRequiredActor<DocumentRegion> documents, IRequiredActor<PresenceRegion> presence,
    IOptions<CollabOptions> options, ConnectionLimiter limiter, InboundByteBudget inbound, PendingConnectionLimiter pending,
    AddressCreateBudget creates, IServiceProvider services, ILogger<WebSocketSessions> log) : IDisposable
{
    /// <summary>How long a connection whose actor has stopped waits for its receive loop to end by itself before the TCP connection is cut.</summary>
    private static readonly TimeSpan ReceiveEndGrace = TimeSpan.FromMilliseconds(200);

    private readonly ConnectionSettings _settings = options.Value.Connections;

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
    /// null with the limit that refused it. From here the pending-connection limiter no longer counts the connection.
    /// </summary>
    public Admission? TryAdmit(IPAddress? address, string connectionId, out ConnectionLimiter.Refusal refusal)
    {
        refusal = limiter.TryAcquire(address, out IDisposable? lease);
        if (refusal != ConnectionLimiter.Refusal.None) return null;
        pending.Upgraded(connectionId);
        // The address the connection limiter counted: creates are budgeted per address across its connections.
        AddressCreateBudget.Share addressCreates = creates.Join(ConnectionLimiter.AddressKey(address).ToString(), Environment.TickCount64);
        return new Admission(lease!, addressCreates);
    }

    /// <summary>
    /// Runs an accepted socket's connection to its end: the connection actor, and the receive loop on this task.
    /// <paramref name="aborted"/> fires when the TCP connection is gone; <paramref name="abort"/> cuts it, given
    /// <paramref name="abortState"/> (a static delegate and its state: nothing allocated per socket for a rare event).
    /// </summary>
    public async Task RunAsync(
        Admission admission, WebSocket socket, HeartbeatStream stream, ConnectionAccess access, string protocol,
        CancellationToken aborted, Action<object> abort, object abortState)
    {
        using Admission held = admission;
        string clientId = access.ClientIds.NewId();
        CollabMetrics.WebSocketAccepted(protocol);
        log.LogDebug("Accepted WebSocket {ClientId} over {Protocol}", clientId, protocol);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef connection = system.ActorOf(
            ConnectionActor.Props(socket, stream, clientId, _settings,
                await documents.GetAsync(aborted), await presence.GetAsync(aborted), stopped, access, held.Creates,
                _queries, _querySubscriptions),
            ConnectionActor.NamePrefix + clientId);

        // A connection made while the node began to stop may have missed the word to every connection (_onStopping);
        // a second word is harmless: a closing connection ignores it.
        if (lifetime.ApplicationStopping.IsCancellationRequested) connection.Tell(ConnectionMessages.ServerShuttingDown.Instance);
        // The TCP connection gone (or cut below) also ends a wait for the inbound budget.
        Task receiving = WebSocketReceiveLoop.RunAsync(socket, connection, _settings.MaxFrameBytes, inbound, aborted);
        if (await Task.WhenAny(receiving, stopped.Task) == stopped.Task)
        {
            // The actor ended the connection (heartbeat timeout, slow consumer, close timeout). Aborting the socket
            // does not wake a read pending on the connection's stream, so cut the TCP connection itself. But not a
            // receive loop that is ending by itself: after the client's close frame the loop tells the actor and
            // returns, and on a busy machine the actor can answer and stop before the loop's task completes. Cut
            // then, the connection lost the close reply still in Kestrel's output and the client saw a reset instead
            // of the close handshake (ConnectionLifecycleTests, now and then in CI).
            if (await Task.WhenAny(receiving, Task.Delay(ReceiveEndGrace)) != receiving) abort(abortState);
            await receiving;
            return;
        }
        // The connection lives until the actor has closed the socket and stopped.
        if (await Task.WhenAny(stopped.Task, Task.Delay(_settings.CloseTimeout * 2)) != stopped.Task)
        {
            log.LogWarning("Connection {ClientId} did not stop in time; aborting", clientId);
            connection.Tell(PoisonPill.Instance);
            abort(abortState);
        }
    }

    public void Dispose() => _onStopping.Dispose();

    /// <summary>A WebSocket's place under the connection limits and its share of its address's create budget, given back on dispose.</summary>
    public sealed class Admission(IDisposable lease, AddressCreateBudget.Share creates) : IDisposable
    {
        public AddressCreateBudget.Share Creates => creates;

        public void Dispose()
        {
            creates.Dispose();
            lease.Dispose();
        }
    }
}
