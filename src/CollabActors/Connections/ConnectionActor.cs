using System.Net.WebSockets;
using Akka.Actor;
using Akka.Event;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabActors.Diagnostics;
using CollabActors.Security;

namespace CollabActors.Connections;

/// <summary>
/// One WebSocket connection: ShareDB's agent (speaks the protocol for one client) and gorilla's writePump (the only
/// writer to its socket). Frames come in from <see cref="WebSocketReceiveLoop"/>; requests go to document and
/// presence actors; replies and pushes come back through the mailbox and are written one batch at a time, so there
/// are never two concurrent sends. The outbound queue is bounded: a client that stops reading is closed (1008) and
/// nobody else notices. Timers drive the heartbeat: a ping every interval, and a peer silent for the timeout after a
/// ping is taken for gone. What the client may read and write comes from its <see cref="ConnectionAccess"/>; token
/// buckets bound how fast it may send, and a token that expires closes the socket (1008).
/// </summary>
public sealed partial class ConnectionActor : ReceiveActor, IWithTimers
{
    private readonly WebSocket _socket;
    private readonly HeartbeatStream _heartbeat;
    private readonly ConnectionSettings _settings;
    private readonly IActorRef _documents;
    private readonly IActorRef _presence;
    private readonly TaskCompletionSource _stopped;
    private static readonly TimeSpan MaxExpiryTimer = TimeSpan.FromDays(1);

    private readonly ConnectionAccess _access;
    private readonly TokenBucket _messageBucket;
    private readonly TokenBucket _opBucket;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly OutboundQueue _outbound;
    private readonly PresenceThrottle _presenceThrottle;
    private readonly TimeSpan _presenceInterval;
    private readonly Dictionary<string, PreparedMessage> _heldPresence = new();
    private readonly Dictionary<long, PendingRequest> _pending = new();
    private readonly Dictionary<DocumentId, DocumentView> _documentsSeen = new();
    private readonly Dictionary<IActorRef, DocumentId> _documentActors = new();
    private readonly Dictionary<string, long> _presenceSeq = new();
    private readonly Dictionary<IActorRef, string> _presenceChannels = new();
    private readonly Dictionary<(string Channel, string Id), PresenceMessage> _ownPresence = new();
    private string _src;
    private WireEncoding _encoding = WireEncoding.Json;
    private long _nextRequestId;
    private int _subscriptions;
    private int _rateStrikes;
    private long _rateStrikeWindowStart;
    private bool _sending;
    private bool _writeDue;
    private bool _replyQueued;
    private long _lastWriteStartedMs = long.MinValue / 2;
    private long _frameSecond;
    private int _framesThisSecond;
    private int _framesLastSecond;
    private bool _closing;
    private bool _closeSent;
    private (WebSocketCloseStatus Status, string Reason)? _pendingClose;

    public ConnectionActor(
        WebSocket socket, HeartbeatStream heartbeat, string clientId, ConnectionSettings settings,
        IActorRef documents, IActorRef presence, TaskCompletionSource stopped, ConnectionAccess access)
    {
        _access = access;
        long now = Environment.TickCount64;
        _messageBucket = new TokenBucket(settings.MessagesPerSecond, settings.MessageBurst, now);
        _opBucket = new TokenBucket(settings.OpsPerSecond, settings.OpBurst, now);
        _socket = socket;
        _heartbeat = heartbeat;
        _src = clientId;
        _settings = settings;
        _documents = documents;
        _presence = presence;
        _stopped = stopped;
        _outbound = new OutboundQueue(settings.MaxQueuedFrames, settings.MaxQueuedBytes);
        _presenceInterval = TimeSpan.FromSeconds(1.0 / Math.Max(1, settings.PresenceMaxPerSecond));
        _presenceThrottle = new PresenceThrottle(_presenceInterval);

        Receive<ConnectionMessages.FrameReceived>(OnFrame);
        Receive<ConnectionMessages.FrameTooLarge>(f =>
        {
            CollabMetrics.MessageRejected("frame_too_large");
            Close(WebSocketCloseStatus.MessageTooBig, $"Frame of {f.Bytes}+ bytes is over the limit of {_settings.MaxFrameBytes}.");
        });
        Receive<ConnectionMessages.ReceiveEnded>(OnReceiveEnded);
        Receive<ConnectionMessages.ServerShuttingDown>(_ => Close(WebSocketCloseStatus.EndpointUnavailable, "Server shutting down."));
        Receive<WriteCompleted>(_ => OnWriteCompleted());
        Receive<WriteDue>(_ =>
        {
            _writeDue = false;
            if (!_sending) WriteNextBatch();
        });
        Receive<WriteFailed>(f => Abort("write failed: " + f.Error.Message));
        Receive<HeartbeatTick>(_ => OnHeartbeatTick());
        Receive<LivenessCheck>(OnLivenessCheck);
        Receive<CloseTimedOut>(_ => Abort("closing handshake timed out"));
        Receive<AccessExpired>(_ => ArmExpiry());

        Receive<DocumentReplies.Fetched>(OnFetched);
        Receive<DocumentReplies.Acknowledged>(OnAcknowledged);
        Receive<DocumentReplies.Rejected>(OnRejected);
        Receive<DocumentReplies.SnapshotAt>(OnSnapshotAt);
        Receive<DocumentReplies.OpPublished>(OnOpPublished);
        Receive<Terminated>(t =>
        {
            if (!OnPresenceChannelTerminated(t.ActorRef)) OnDocumentTerminated(t);
        });
        Receive<RepliesDue>(_ => OnRepliesDue());
        Receive<DocumentReplies.SubscriptionLost>(OnSubscriptionLost);
        Receive<ResubscribeCheck>(OnResubscribeCheck);
        Receive<PresenceReplies.Published>(HoldPresence);
        Receive<PresenceWindowEnded>(_ => FlushHeldPresence());
        Receive<PresenceDue>(d => ForwardHeldPresence(d.Channel, d.PresenceId));
        Receive<PresenceReplies.Requested>(r => Send(new PresenceRequestMessage(r.Channel)));
        Receive<PresenceReplies.Subscribed>(OnPresenceSubscribed);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(
        WebSocket socket, HeartbeatStream heartbeat, string clientId, ConnectionSettings settings,
        IActorRef documents, IActorRef presence, TaskCompletionSource stopped) =>
        Props(socket, heartbeat, clientId, settings, documents, presence, stopped, ConnectionAccess.Unrestricted);

    public static Props Props(
        WebSocket socket, HeartbeatStream heartbeat, string clientId, ConnectionSettings settings,
        IActorRef documents, IActorRef presence, TaskCompletionSource stopped, ConnectionAccess access) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(socket, heartbeat, clientId, settings, documents, presence, stopped, access));

    protected override void PreStart()
    {
        CollabMetrics.ConnectionOpened();
        // ShareDB greets first: the client checks the protocol and default type before anything else.
        Send(HandshakeReply.Init(_src));
        Timers.StartPeriodicTimer("ping", HeartbeatTick.Instance, _settings.PingInterval);
        ArmExpiry();
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

    protected override void PostStop()
    {
        foreach ((DocumentId document, DocumentView view) in _documentsSeen)
        {
            if (view.Subscribed) _documents.Tell(new DocumentCommands.Unsubscribe(document, Self));
        }
        // As ShareDB does when a presence stream ends: the others see this client's cursors go. Document presence
        // goes through its document, which stamps the latest version: a null at the version the cursor was made at
        // is stale to a client whose document has moved on, and the stock client holds stale presence back.
        foreach (PresenceMessage presence in _ownPresence.Values)
        {
            ForwardPresence(presence with { Value = null, PresenceVersion = presence.PresenceVersion + 1 });
        }
        foreach (string channel in _presenceSeq.Keys) _presence.Tell(new PresenceCommands.Unsubscribe(channel, Self));
        if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) _socket.Abort();
        _socket.Dispose();
        CollabMetrics.ConnectionClosed();
        _stopped.TrySetResult();
    }

    // ---- incoming frames ----

    private void OnFrame(ConnectionMessages.FrameReceived frame)
    {
        if (_closing) return;
        _encoding = frame.Binary ? WireEncoding.MessagePack : WireEncoding.Json;
        ClientMessage message = WireCodecs.For(_encoding).Decode(frame.Payload);
        long now = Environment.TickCount64;
        // The message is decoded even when over the rate, so the error reaches the request that caused it.
        if (!_messageBucket.TryTake(now, MessageCost(message)) || (message is SubmitRequest && !_opBucket.TryTake(now)))
        {
            RefuseOverRate(message);
            return;
        }
        Handle(message);
    }

    /// <summary>
    /// Tokens a message takes from the message bucket: one, and for a bulk request one more per ten documents, since
    /// each document it names costs a document actor's work (and, cold, a journal read).
    /// </summary>
    private static int MessageCost(ClientMessage message) => message switch
    {
        BulkFetchRequest bf => 1 + bf.Documents.Ids.Count / 10,
        BulkSubscribeRequest bs => 1 + bs.Documents.Ids.Count / 10,
        _ => 1,
    };

    private void RefuseOverRate(ClientMessage message)
    {
        CollabMetrics.MessageRejected(ProtocolErrorCodes.RateLimited);
        // Refusals are counted per window, not reset by an accepted message: a flooder gets one message through
        // whenever the bucket refills, and must still be cut off.
        long now = Environment.TickCount64;
        if (now - _rateStrikeWindowStart > (long)_settings.RateLimitWindow.TotalMilliseconds)
        {
            _rateStrikeWindowStart = now;
            _rateStrikes = 0;
        }
        if (++_rateStrikes > _settings.RateLimitStrikes)
        {
            Close(WebSocketCloseStatus.PolicyViolation, "Rate limit exceeded.");
            return;
        }
        Send(ErrorReply.To(message, ProtocolErrorCodes.RateLimited,
            $"Over the rate limit of {_settings.MessagesPerSecond} messages and {_settings.OpsPerSecond} ops per second."));
    }

    private void OnReceiveEnded(ConnectionMessages.ReceiveEnded ended)
    {
        if (ended.Error is not null || _socket.State != WebSocketState.CloseReceived)
        {
            if (!_closing) _log.Debug("Connection {0} ended: {1}", _src, ended.Error?.Message ?? "closed");
            Context.Stop(Self);
            return;
        }
        // The client closed: answer its close frame, then stop.
        Close(ended.Status ?? WebSocketCloseStatus.NormalClosure, "");
    }

    // ---- writing (the write pump) ----

    /// <summary>A reply to this client (an ack, a snapshot, an error): written without waiting for write pacing.</summary>
    private void Send(ServerMessage message)
    {
        _replyQueued = true;
        Enqueue(OutboundFrame.Of(message, _encoding));
    }

    private void Send(PreparedMessage message) => Enqueue(OutboundFrame.Of(message, _encoding));

    private void Enqueue(OutboundFrame frame, string? coalescingKey = null)
    {
        if (_closing) return;
        CountFrame(Environment.TickCount64);
        if (!_outbound.TryAdd(frame, coalescingKey))
        {
            _log.Warning("Connection {0} is not reading: {1} frames, {2} bytes queued; closing it", _src, _outbound.Count, _outbound.Bytes);
            _outbound.Clear();
            CollabMetrics.SlowConsumerDropped();
            Close(WebSocketCloseStatus.PolicyViolation, "Slow consumer: too many messages waiting to be sent.");
            return;
        }
        if (!_sending) WriteNextBatch();
    }

    private void WriteNextBatch()
    {
        if (_pendingClose is { } close && _outbound.Count == 0)
        {
            _pendingClose = null;
            _sending = true;
            _closeSent = true;
            _socket.CloseOutputAsync(close.Status, close.Reason, CancellationToken.None)
                .PipeTo(Self, success: () => WriteCompleted.Instance, failure: e => new WriteFailed(e));
            return;
        }
        // Pacing never lets the queue fill towards the slow-consumer bound: a connection that reads is not closed
        // for frames we held back. From half the bound on, the queue is written at once.
        bool filling = _outbound.Count * 2 >= _settings.MaxQueuedFrames || _outbound.Bytes * 2 >= _settings.MaxQueuedBytes;
        if (_outbound.Count == 0 || (_writeDue && !_replyQueued && !filling)) return;
        // Write pacing: a connection that wrote less than MinWriteInterval ago waits out the rest of it, and whatever
        // arrives meanwhile goes in the same send. A quiet connection writes at once; a busy one (a big room delivers
        // every op to every editor) makes one send per interval instead of one per frame, which cuts the server's
        // per-frame cost (actor wakeups, socket writes) and the client's reads. Only broadcasts wait: a reply to the
        // client's own request (above all the ack its next op waits for) goes out with the next write at once.
        long now = Environment.TickCount64;
        long wait = _lastWriteStartedMs + (long)_settings.MinWriteInterval.TotalMilliseconds - now;
        if (wait > 0 && _pendingClose is null && !_replyQueued && !filling && IsBusy(now))
        {
            _writeDue = true;
            Timers.StartSingleTimer("write", WriteDue.Instance, TimeSpan.FromMilliseconds(wait));
            return;
        }
        _lastWriteStartedMs = now;
        _replyQueued = false;
        _sending = true;
        // All queued frames go in one write task, back to back: one wakeup of the send path per batch.
        OutboundFrame[] batch = _outbound.DrainAll();
        WriteBatchAsync(_socket, _heartbeat, batch)
            .PipeTo(Self, success: () => WriteCompleted.Instance, failure: e => new WriteFailed(e));
    }

    /// <summary>Frames queued per wall-clock second: this one and the one before (what <see cref="IsBusy"/> reads).</summary>
    private void CountFrame(long nowMs)
    {
        MoveFrameWindowTo(nowMs);
        _framesThisSecond++;
    }

    /// <summary>Starts a new second's count when the clock has moved on; the last second's is kept if it was the one before.</summary>
    private void MoveFrameWindowTo(long nowMs)
    {
        long second = nowMs / 1000;
        if (second == _frameSecond) return;
        _framesLastSecond = second == _frameSecond + 1 ? _framesThisSecond : 0;
        _framesThisSecond = 0;
        _frameSecond = second;
    }

    /// <summary>
    /// Pacing is for connections that get many frames a second (an editor in a big room); one in a small document
    /// gets a handful, and holding them would only add latency without saving sends.
    /// </summary>
    private bool IsBusy(long nowMs)
    {
        MoveFrameWindowTo(nowMs);
        return Math.Max(_framesThisSecond, _framesLastSecond) >= _settings.PacedAboveFramesPerSecond;
    }

    private static async Task WriteBatchAsync(WebSocket socket, HeartbeatStream heartbeat, OutboundFrame[] batch)
    {
        // Several frames go out corked: framed back to back into one buffer and written with one send.
        bool cork = batch.Length > 1;
        if (cork) await heartbeat.CorkAsync().ConfigureAwait(false);
        try
        {
            foreach (OutboundFrame frame in batch)
            {
                if (frame.IsPing)
                {
                    await heartbeat.WritePingAsync().ConfigureAwait(false);
                    continue;
                }
                await socket.SendAsync(frame.Bytes, frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text,
                    endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            if (cork) await heartbeat.UncorkAsync().ConfigureAwait(false);
        }
    }

    private void OnWriteCompleted()
    {
        _sending = false;
        if (_closeSent && _socket.State == WebSocketState.Closed)
        {
            Context.Stop(Self);
            return;
        }
        WriteNextBatch();
    }

    /// <summary>Starts the closing handshake after what is already queued; the socket is aborted if it does not finish in time.</summary>
    private void Close(WebSocketCloseStatus status, string reason)
    {
        if (_closing) return;
        _closing = true;
        if (status != WebSocketCloseStatus.NormalClosure) _log.Info("Closing connection {0}: {1} {2}", _src, (int)status, reason);
        if (status == WebSocketCloseStatus.PolicyViolation) _outbound.Clear();
        _pendingClose = (status, reason.Length > 120 ? reason[..120] : reason);
        Timers.StartSingleTimer("close", CloseTimedOut.Instance, _settings.CloseTimeout);
        if (!_sending) WriteNextBatch();
    }

    private void Abort(string why)
    {
        _log.Info("Aborting connection {0}: {1}", _src, why);
        _socket.Abort();
        Context.Stop(Self);
    }

    // ---- presence to this client ----

    /// <summary>
    /// Other editors' presence reaches this client at most once per interval per editor: the first update after a
    /// quiet spell goes at once and opens a window; updates during the window are merged per editor (latest wins)
    /// and go together, in one write, when it ends.
    /// </summary>
    private void HoldPresence(PresenceReplies.Published published)
    {
        if (_closing) return;
        string key = PresenceKey(published.Frame.Message)!;
        if (!Timers.IsTimerActive("presence-window"))
        {
            Enqueue(OutboundFrame.Of(published.Frame, _encoding), key);
            Timers.StartSingleTimer("presence-window", PresenceWindowEnded.Instance, _presenceInterval);
            return;
        }
        _heldPresence[key] = published.Frame;
    }

    private void FlushHeldPresence()
    {
        if (_heldPresence.Count == 0) return;
        foreach ((string key, PreparedMessage frame) in _heldPresence) Enqueue(OutboundFrame.Of(frame, _encoding), key);
        _heldPresence.Clear();
        Timers.StartSingleTimer("presence-window", PresenceWindowEnded.Instance, _presenceInterval);
    }

    // ---- heartbeat ----

    private void OnHeartbeatTick()
    {
        if (_closing) return;
        long sentAt = Environment.TickCount64;
        Enqueue(OutboundFrame.Ping);
        // One check per ping, keyed by the check itself: under one shared key each tick would restart the pending
        // check, and with PongTimeout >= PingInterval it would never fire.
        var check = new LivenessCheck(sentAt);
        Timers.StartSingleTimer(check, check, _settings.PongTimeout);
    }

    private void OnLivenessCheck(LivenessCheck check)
    {
        if (_heartbeat.LastInboundTick >= check.PingSentAt) return;
        Abort($"no answer to a ping within {_settings.PongTimeout.TotalSeconds:0.#} s");
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

    private sealed record HeartbeatTick : INoSerializationVerificationNeeded
    {
        public static readonly HeartbeatTick Instance = new();
    }

    private sealed record LivenessCheck(long PingSentAt) : INoSerializationVerificationNeeded;

    private sealed record PresenceDue(string Channel, string PresenceId) : INoSerializationVerificationNeeded;

    private sealed record ResubscribeCheck(DocumentId Document, long RequestId, int Attempt) : INoSerializationVerificationNeeded;

    private sealed record AccessExpired : INoSerializationVerificationNeeded
    {
        public static readonly AccessExpired Instance = new();
    }

    private sealed record PresenceWindowEnded : INoSerializationVerificationNeeded
    {
        public static readonly PresenceWindowEnded Instance = new();
    }

    private sealed record RepliesDue : INoSerializationVerificationNeeded
    {
        public static readonly RepliesDue Instance = new();
    }

    private sealed record CloseTimedOut : INoSerializationVerificationNeeded
    {
        public static readonly CloseTimedOut Instance = new();
    }
}
