using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;

namespace CollabActors.Connections;

/// <summary>
/// One WebSocket connection, wired to Akka and nothing more: frames come in from <see cref="WebSocketReceiveLoop"/>,
/// pass <see cref="ConnectionAdmission"/> (rate and size limits) and go to the <see cref="ConnectionSession"/> (ShareDB's
/// agent: the protocol rules), as do the replies of documents and presence channels. What the session decides
/// (<see cref="ConnectionEffect"/>s) is carried out here: commands told to the document and presence regions, frames
/// handed to the <see cref="SocketWriter"/> (gorilla's writePump), timers, watches. Every write starts from this
/// actor's mailbox, so there is one writer per socket. Timers drive the heartbeat (a ping every interval; a peer silent
/// for the timeout after a ping is taken for gone), on the node's <see cref="HeartbeatWheel"/>, and the access
/// token's expiry (1008).
/// </summary>
public sealed class ConnectionActor : UntypedActor, IWithTimers
{
    /// <summary>Connection actors live under <c>/user</c> as this prefix and the client id (<see cref="NodeRemovedBroadcast"/> selects them by it).</summary>
    public const string NamePrefix = "connection-";

    private static readonly TimeSpan MaxExpiryTimer = TimeSpan.FromDays(1);

    private readonly WebSocket _socket;
    private readonly HeartbeatStream _heartbeat;
    private readonly ConnectionSettings _settings;
    private readonly ConnectionAccess _access;
    private readonly IActorRef _documents;
    private readonly IActorRef _presence;
    private readonly IDocumentQueries? _queries;
    private readonly IQuerySubscriptions? _liveQueries;
    private readonly ConnectionLifetime _lifetime;
    // One logger for the node's connections rather than one per actor (Context.GetLogger(), about 60 bytes each):
    // every line a connection logs names its client id, which says more than the actor's path would.
    private static readonly ConditionalWeakTable<ActorSystem, ILoggingAdapter> Logs = new();
    private readonly ILoggingAdapter _log = Logs.GetValue(Context.System, static system => Logging.GetLogger(system, typeof(ConnectionActor)));
    private readonly ConnectionAdmission _admission;
    private readonly ConnectionSession _session;
    private readonly SocketWriter _writer;
    private readonly HeartbeatWheel _heartbeats = HeartbeatWheel.For(Context.System);
    /// <summary>The document and presence channel incarnations that hold this connection's subscriptions.</summary>
    /// <summary>Made at the first subscription: most connections of a big node hold none.</summary>
    private Dictionary<IActorRef, Incarnation>? _watched;

    public ConnectionActor(
        WebSocket socket, HeartbeatStream heartbeat, string clientId, ConnectionSettings settings,
        IActorRef documents, IActorRef presence, ConnectionLifetime lifetime, ConnectionAccess access,
        AddressCreateBudget.Share? addressCreates = null, IDocumentQueries? queries = null, IQuerySubscriptions? liveQueries = null)
    {
        _queries = queries;
        _liveQueries = liveQueries;
        _socket = socket;
        _heartbeat = heartbeat;
        _settings = settings;
        _access = access;
        _documents = documents;
        _presence = presence;
        _lifetime = lifetime;
        _admission = new ConnectionAdmission(settings, Environment.TickCount64, addressCreates);
        _session = new ConnectionSession(clientId, settings, access, Self, _log, answersQueries: queries is not null,
            answersSubscribeQueries: liveQueries is not null);
        _writer = new SocketWriter(socket, heartbeat, settings, _log, () => _session.Src);
    }

    /// <remarks>
    /// One switch rather than a table of <c>Receive&lt;T&gt;</c> handlers: a ReceiveActor builds its table per instance,
    /// a delegate per handler and a matcher per actor, about 2 KiB for each of a node's thousands of connections
    /// (docs/benchmarks.md, "What an idle connection holds"). The most frequent messages come first.
    /// </remarks>
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConnectionMessages.FrameReceived frame: OnFrame(frame); break;
            case DocumentReplies.OpPublished m: Apply(_session.OpPublished(m)); break;
            case WriteCompleted: Apply(_writer.WriteCompleted(Environment.TickCount64)); break;
            case WriteDue: Apply(_writer.WriteDue(Environment.TickCount64)); break;
            case DocumentReplies.Acknowledged m: Apply(_session.Acknowledged(m)); break;
            case PresenceReplies.Published m:
                if (!_writer.IsClosing) Apply(_session.PresencePublished(m));
                break;
            case SessionTimers.PresenceDue m: Apply(_session.PresenceDue(m, Environment.TickCount64)); break;
            case SessionTimers.PresenceWindowEnded: Apply(_session.PresenceWindowEnded()); break;
            case DocumentReplies.Fetched m: Apply(_session.Fetched(m)); break;
            case DocumentReplies.Rejected m: Apply(_session.Rejected(m)); break;
            case DocumentReplies.SnapshotAt m: Apply(_session.SnapshotAt(m)); break;
            case DocumentReplies.SubscriptionLost m: Apply(_session.SubscriptionLost(m)); break;
            case PresenceReplies.Requested m: Apply(_session.PresenceRequested(m)); break;
            case PresenceReplies.Subscribed m: Apply(_session.PresenceSubscribed(m)); break;
            case HeartbeatTick: OnHeartbeatTick(); break;
            case LivenessCheck check: OnLivenessCheck(check); break;
            case SessionTimers.RepliesDue:
                if (!_writer.IsClosing) Apply(_session.RepliesDue());
                break;
            case SessionTimers.ResubscribeCheck m: Apply(_session.ResubscribeCheck(m)); break;
            case DocumentRequestUndelivered m: Apply(_session.Undelivered(m)); break;
            case NodeRemoved:
                if (!_writer.IsClosing) Apply(_session.NodeRemoved());
                break;
            case QueryReplies.Fetched m: Apply(_session.QueryFetched(m)); break;
            case QueryReplies.Failed m: Apply(_session.QueryFailed(m)); break;
            case QueryReplies.Changed m:
                if (!_writer.IsClosing) Apply(_session.QueryChanged(m));
                break;
            case QueryReplies.Subscribed m: Apply(_session.QuerySubscribed(m)); break;
            case SessionTimers.RetryDue m: Apply(_session.RetryDue(m)); break;
            case Terminated terminated: OnTerminated(terminated); break;
            case ConnectionMessages.ReceiveEnded ended: OnReceiveEnded(ended); break;
            case ConnectionMessages.FrameTooLarge tooLarge:
                CollabMetrics.MessageRejected("frame_too_large");
                Close(WebSocketCloseStatus.MessageTooBig, $"Frame of {tooLarge.Bytes}+ bytes is over the limit of {_settings.MaxFrameBytes}.");
                break;
            case ConnectionMessages.ServerShuttingDown: Close(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down."); break;
            case WriteFailed failed: Abort("write failed: " + failed.Error.Message); break;
            case CloseTimedOut: Abort("closing handshake timed out"); break;
            case AccessExpired: ArmExpiry(); break;
            case RateWaitOver: OnRateWaitOver(); break;
            default: Unhandled(message); break;
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        WebSocket socket, HeartbeatStream heartbeat, string clientId, ConnectionSettings settings,
        IActorRef documents, IActorRef presence, ConnectionLifetime lifetime) =>
        Props(socket, heartbeat, clientId, settings, documents, presence, lifetime, ConnectionAccess.Unrestricted);

    /// <param name="lifetime">Told from <see cref="PostStop"/> that the actor has stopped: half of the connection's end.</param>
    /// <param name="addressCreates">The create budget the client's address shares with its other connections (the host's, which disposes it).</param>
    public static Props Props(
        WebSocket socket, HeartbeatStream heartbeat, string clientId, ConnectionSettings settings,
        IActorRef documents, IActorRef presence, ConnectionLifetime lifetime, ConnectionAccess access,
        AddressCreateBudget.Share? addressCreates = null, IDocumentQueries? queries = null, IQuerySubscriptions? liveQueries = null) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(socket, heartbeat, clientId, settings, documents, presence, lifetime, access, addressCreates, queries, liveQueries))
            .WithMailbox(ConnectionMailbox.ConfigPath);

    protected override void PreStart()
    {
        CollabMetrics.ConnectionOpened();
        Apply(_session.Start());
        _heartbeats.Tell(Self, HeartbeatTick.Instance, _settings.PingInterval);
        ArmExpiry();
    }

    protected override void PostStop()
    {
        Apply(_session.Stop());
        // A socket a failed receive aborted (the peer reset it, or sent a frame the platform answered with a close frame
        // of its own: 1007 for text that is not UTF-8) is not disposed here. ASP.NET Core aborts the request when an
        // aborted socket it accepted is disposed (its AbortStream), which would reset the connection under that close
        // frame; the request ends with this actor instead, and the connection closes in order. (Abort() disposes.)
        if (_socket.State != WebSocketState.Aborted)
        {
            if (_socket.State != WebSocketState.Closed) _socket.Abort();
            _socket.Dispose();
        }
        CollabMetrics.ConnectionClosed();
        _lifetime.ActorStopped();
    }

    private void OnFrame(ConnectionMessages.FrameReceived frame)
    {
        if (_writer.IsClosing) return;
        _writer.Encoding = frame.Binary ? WireEncoding.MessagePack : WireEncoding.Json;
        ClientMessage message = WireCodecs.For(_writer.Encoding).Decode(frame.Payload);
        long now = Environment.TickCount64;
        Apply(_admission.Offer(message, now), now);
    }

    private const string RateWaitTimer = "rate-wait";

    private void OnRateWaitOver()
    {
        if (_writer.IsClosing) return;
        long now = Environment.TickCount64;
        Apply(_admission.Release(now), now);
    }

    private void Apply(AdmissionStep step, long now)
    {
        Apply(step.Refusals);
        foreach (ClientMessage message in step.Admitted)
        {
            if (_writer.IsClosing) return;
            Apply(_session.Handle(message, now));
        }
        // One timer for the head of the waiting line; a later message waits behind it.
        if (step.WaitFor is { } wait && !Timers.IsTimerActive(RateWaitTimer)) Timers.StartSingleTimer(RateWaitTimer, RateWaitOver.Instance, wait);
    }

    /// <summary>The query runs off this mailbox; its end (results or error) comes back as a message, in order with the rest.</summary>
    private void RunQuery(ConnectionEffect.RunQuery run)
    {
        QueryRequest request = run.Request;
        ILoggingAdapter log = _log;
        _queries!.FetchAsync(request.Collection!, request.Query!, run.Readable, CancellationToken.None).PipeTo(Self,
            success: results => new QueryReplies.Fetched(request, results),
            failure: cause =>
            {
                if (cause is QueryRejectedException rejected) return new QueryReplies.Failed(request, new ProtocolError(rejected.Code, rejected.Message));
                log.Error(cause, "Query {0} on {1} failed", request.QueryId, request.Collection);
                return new QueryReplies.Failed(request, new ProtocolError(ProtocolErrorCodes.QueryUnavailable, "The query failed on the server; try again."));
            });
    }

    private void OnReceiveEnded(ConnectionMessages.ReceiveEnded ended)
    {
        if (ended.Error is not null || _socket.State != WebSocketState.CloseReceived)
        {
            if (!_writer.IsClosing) _log.Debug("Connection {0} ended: {1}", _session.Src, ended.Error?.Message ?? "closed");
            Context.Stop(Self);
            return;
        }
        // The client closed: answer its close frame, then stop.
        Close(ended.Status ?? WebSocketCloseStatus.NormalClosure, "");
    }

    // ---- carrying out what the session decided ----

    private void Apply(IReadOnlyList<ConnectionEffect> effects)
    {
        // Indexed: the list is the session's, and nothing here calls back into the session while it is read.
        for (int i = 0; i < effects.Count; i++) Apply(effects[i]);
        _session.EffectsCarriedOut();
    }

    private void Apply(ConnectionEffect effect)
    {
        switch (effect)
        {
            case ConnectionEffect.Push push:
                Apply(_writer.Push(push.Frame, push.CoalescingKey, Environment.TickCount64));
                break;
            case ConnectionEffect.Reply reply:
                Apply(_writer.Reply(reply.Message, Environment.TickCount64));
                break;
            case ConnectionEffect.ToDocument command:
                _documents.Tell(command.Command);
                break;
            case ConnectionEffect.ToPresence command:
                _presence.Tell(command.Command);
                break;
            case ConnectionEffect.RunQuery run:
                RunQuery(run);
                break;
            case ConnectionEffect.StartLiveQuery start:
                // Returns at once; the results come back to this mailbox as QueryReplies messages.
                _liveQueries!.Subscribe(Self, start.Token, start.Request, start.Readable);
                break;
            case ConnectionEffect.StopLiveQuery stop:
                _liveQueries!.Unsubscribe(Self, stop.Token);
                break;
            case ConnectionEffect.Close close:
                Close(close.Status, close.Reason);
                break;
            case ConnectionEffect.StartTimer timer:
                Timers.StartSingleTimer(timer.Key, timer.Message, timer.Delay);
                break;
            case ConnectionEffect.WatchDocumentSender watch:
                WatchSender(new Incarnation(watch.Document, null));
                break;
            case ConnectionEffect.WatchChannelSender watch:
                WatchSender(new Incarnation(null, watch.Channel));
                break;
            case ConnectionEffect.UnwatchChannel unwatch:
                foreach ((IActorRef actor, Incarnation watched) in _watched?.ToArray() ?? [])
                {
                    if (watched.Channel != unwatch.Channel) continue;
                    _watched!.Remove(actor);
                    Context.Unwatch(actor);
                }
                break;
            default:
                throw new InvalidOperationException($"Unknown connection effect {effect.GetType().Name}.");
        }
    }

    private void Apply(WriterStep step)
    {
        step.Write?.PipeTo(Self, success: () => WriteCompleted.Instance, failure: e => new WriteFailed(e));
        if (step.WriteAfter is { } wait) Timers.StartSingleTimer("write", WriteDue.Instance, wait);
        if (step.CloseStarted) Timers.StartSingleTimer("close", CloseTimedOut.Instance, _settings.CloseTimeout);
        if (step.Finished) Context.Stop(Self);
    }

    private void Close(WebSocketCloseStatus status, string reason) => Apply(_writer.Close(status, reason, Environment.TickCount64));

    private void Abort(string why)
    {
        _log.Info("Aborting connection {0}: {1}", _session.Src, why);
        _socket.Abort();
        Context.Stop(Self);
    }

    // ---- incarnations of documents and presence channels ----

    /// <summary>Watches the actor that sent the message being handled: the incarnation that holds a subscription or request.</summary>
    private void WatchSender(Incarnation incarnation)
    {
        if (Sender.IsNobody()) return;
        _watched ??= new Dictionary<IActorRef, Incarnation>();
        if (_watched.ContainsKey(Sender)) return;
        _watched[Sender] = incarnation;
        Context.Watch(Sender);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (_watched is null || !_watched.Remove(terminated.ActorRef, out Incarnation? ended)) return;
        if (ended.Channel is { } channel) Apply(_session.PresenceChannelEnded(channel));
        else if (ended.Document is { } document) Apply(_session.DocumentEnded(document));
    }

    /// <summary>What a watched actor is: one incarnation of a document, or of a presence channel.</summary>
    private sealed record Incarnation(DocumentId? Document, string? Channel);

    // ---- heartbeat and expiry ----

    private void OnHeartbeatTick()
    {
        if (_writer.IsClosing) return;
        long sentAt = Environment.TickCount64;
        Apply(_writer.Ping(sentAt));
        // One check per ping: with PongTimeout >= PingInterval several are pending at once, each for its own ping.
        _heartbeats.Tell(Self, new LivenessCheck(sentAt), _settings.PongTimeout);
        _heartbeats.Tell(Self, HeartbeatTick.Instance, _settings.PingInterval);
    }

    private void OnLivenessCheck(LivenessCheck check)
    {
        if (_heartbeat.LastInboundTick >= check.PingSentAt) return;
        Abort($"no answer to a ping within {_settings.PongTimeout.TotalSeconds:0.#} s");
    }

    /// <summary>
    /// Closes the socket (1008) when the access token expires. Long-lived tokens are checked again after at most
    /// <see cref="MaxExpiryTimer"/>, so the timer never needs a delay the scheduler cannot hold.
    /// </summary>
    private void ArmExpiry()
    {
        if (_access.ExpiresAt is not { } expiresAt) return;
        TimeSpan left = expiresAt - DateTimeOffset.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            Close(WebSocketCloseStatus.PolicyViolation, "Access token expired.");
            return;
        }
        Timers.StartSingleTimer("expiry", AccessExpired.Instance, left < MaxExpiryTimer ? left : MaxExpiryTimer);
    }

    // The actor's own messages (timers, finished writes) never leave it, so they are never serialized.
    private sealed record WriteCompleted : INoSerializationVerificationNeeded
    {
        public static readonly WriteCompleted Instance = new();
    }

    private sealed record WriteDue : INoSerializationVerificationNeeded
    {
        public static readonly WriteDue Instance = new();
    }

    private sealed record WriteFailed(Exception Error) : INoSerializationVerificationNeeded;

    private sealed record CloseTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly CloseTimedOut Instance = new();
    }

    private sealed record HeartbeatTick : INoSerializationVerificationNeeded
    {
        public static readonly HeartbeatTick Instance = new();
    }

    private sealed record LivenessCheck(long PingSentAt) : INoSerializationVerificationNeeded;

    private sealed record RateWaitOver : INoSerializationVerificationNeeded
    {
        public static readonly RateWaitOver Instance = new();
    }

    private sealed record AccessExpired : INoSerializationVerificationNeeded
    {
        public static readonly AccessExpired Instance = new();
    }
}
