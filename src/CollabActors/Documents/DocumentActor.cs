using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using CollabActors.Diagnostics;
using CollabActors.Fanout;
using CollabActors.Presence;
using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>
/// The single sequencer of one document, a Cluster.Sharding entity (the hub of gorilla's chat example, for one
/// document). It decides each submit with <see cref="DocumentState"/> and applies the committed op to that state at
/// once (the next submit of the same group commit is decided against it), then persists it; only in the persist
/// callback does it ack the author and publish the op, so an ack always means the op is in the journal. It publishes
/// what happened, not frames: one <see cref="FanoutCommands.Publish"/> to the <see cref="NodeFanout"/> of each node
/// with subscribers, which pushes it to that node's subscribers and encodes it there; replies to a subscriber go the
/// same way, so they stay in order with its ops. Nothing outside the actor sees an op before it is written: PersistAll holds every other command back until
/// the write is done. If the write fails the actor stops: the applied but unsaved ops go with its state, nobody was
/// acked or sent them, and the next incarnation recovers from the journal (see <see cref="OnPersistFailure"/>). It saves a snapshot every <see cref="DocumentSettings.SnapshotEvery"/> ops and when it
/// passivates after <see cref="DocumentSettings.PassivateIdleAfter"/> idle with no subscriber; recovery is the latest snapshot plus replay.
/// Whatever reaches back before the in-memory op log is read from the journal by a <see cref="DocumentHistoryReader"/>.
/// </summary>
public sealed class DocumentActor : ReceivePersistentActor
{
    private readonly DocumentState _state;
    private readonly DocumentSettings _settings;
    private long _snapshotVersion;
    private bool _stopping;
    private readonly IActorRef _presenceRegion;
    private readonly DocumentSubscribers _subscribers = new();
    private IActorRef? _localFanout;
    private IActorRef? _outbox;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeSpan _idleAfter;
    private readonly List<(DocumentCommands.Submit Submit, IReadOnlyList<CommittedOp>? OlderOps)> _submitsToDecide = new();
    private bool _flushScheduled;
    // History reads running (children), and those waiting for one of them to finish (DocumentSettings.MaxConcurrentHistoryReads).
    private int _historyReadsRunning;
    private readonly Queue<(DocumentHistoryReader.Query Query, DocumentCommands.IDocumentRequest Request)> _historyReadsWaiting = new();

    public DocumentActor(DocumentId id, DocumentSettings settings, IActorRef presenceRegion)
    {
        _state = new DocumentState(id, settings);
        _settings = settings;
        _presenceRegion = presenceRegion;
        PersistenceId = "document-" + id.EntityId;

        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (DocumentSnapshot)offer.Snapshot;
            _state.Restore(snapshot);
            _snapshotVersion = snapshot.Version;
        });
        Recover<CommittedOp>(op => _state.Apply(op));

        Command<DocumentCommands.Submit>(OnSubmit);
        Command<FlushSubmits>(_ => OnFlushSubmits());
        Command<DocumentCommands.Fetch>(OnFetch);
        Command<DocumentCommands.Subscribe>(OnSubscribe);
        Command<DocumentCommands.Unsubscribe>(u => Forget(u.Subscriber));
        Command<DocumentCommands.FetchSnapshotAtVersion>(OnSnapshotAtVersion);
        Command<DocumentCommands.FetchSnapshotAtTime>(OnSnapshotAtTime);
        Command<DocumentCommands.PublishPresence>(OnPublishPresence);
        Command<DocumentCommands.GetStatus>(_ =>
            Sender.Tell(new DocumentReplies.DocumentStatus(Id, _state.Version, _subscribers.Count, 0,
                ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString())));
        Command<DocumentCommands.FetchOps>(OnFetchOps);
        Command<Terminated>(t => Forget(t.ActorRef));
        Command<DocumentHistoryReader.HistoryRead>(OnHistoryRead);
        Command<DocumentHistoryReader.HistoryReadFailed>(OnHistoryReadFailed);
        // Idle and nobody subscribed: the shard stops this entity with Stop (which snapshots first), buffering
        // messages meanwhile and starting it again on the next one. A subscribed document stays, or its subscribers
        // would miss later ops; sharding's own idle passivation is off for documents for the same reason.
        Command<ReceiveTimeout>(_ =>
        {
            if (_subscribers.Count == 0) Context.Parent.Tell(new Passivate(DocumentCommands.Stop.Instance));
        });
        Command<DocumentCommands.Stop>(_ => StopAfterSnapshot());
        Command<SaveSnapshotSuccess>(_ =>
        {
            if (_stopping) Context.Stop(Self);
        });
        Command<SaveSnapshotFailure>(failed =>
        {
            // The journal still has every op; the next recovery replays more, and the next snapshot is N ops on.
            _log.Warning(failed.Cause, "Snapshot of {0} at {1} not saved", PersistenceId, failed.Metadata.SequenceNr);
            if (_stopping) Context.Stop(Self);
        });
        _idleAfter = settings.PassivateIdleAfter;
        Context.SetReceiveTimeout(_idleAfter);
    }

    protected override void OnReplaySuccess()
    {
        // Events are exactly the ops, one per version; anything else in the journal would break history reads.
        if (LastSequenceNr != _state.Version)
            throw new InvalidOperationException($"{PersistenceId} recovered to version {_state.Version} at sequence {LastSequenceNr}.");
    }

    public override string PersistenceId { get; }

    private DocumentId Id => _state.Id;

    protected override void PreStart()
    {
        CollabMetrics.DocumentStarted();
        base.PreStart();
    }

    protected override void PostStop()
    {
        // Stopped with subscribers (hand-off to another node, a journal failure) or restarting after a fault: the
        // next incarnation starts with none, so tell them to subscribe again from the version they have.
        var lost = new DocumentReplies.SubscriptionLost(Id);
        foreach (IActorRef subscriber in _subscribers.All) Reply(subscriber, lost);
        CollabMetrics.DocumentStopped();
        base.PostStop();
    }

    public static Props Props(DocumentId id, DocumentSettings settings, IActorRef presenceRegion) =>
        Akka.Actor.Props.Create(() => new DocumentActor(id, settings, presenceRegion));

    private void OnSubmit(DocumentCommands.Submit submit) => Decide(submit, olderOps: null);

    /// <summary>
    /// Queues a submit for the next group commit. Every submit already in the mailbox is taken into the same batch
    /// (the flush message goes behind them), so a busy document writes many ops per journal round trip instead of
    /// waiting for one write per op.
    /// </summary>
    private void Decide(DocumentCommands.Submit submit, IReadOnlyList<CommittedOp>? olderOps)
    {
        _submitsToDecide.Add((submit, olderOps));
        if (_flushScheduled) return;
        _flushScheduled = true;
        Self.Tell(FlushSubmits.Instance);
    }

    /// <summary>
    /// Decides the queued submits in order, each against the state with the ones before it applied, and persists the
    /// committed ops in one write. Each op is applied to the in-memory state before it is written (the next decision
    /// needs it); PersistAll holds every other command back until the write is done, so nobody reads an op before it
    /// is in the journal; acks and broadcasts go out in the persist callbacks, in version order. If the write fails
    /// the actor stops and this state, with the unsaved ops, is gone; the clients resend.
    /// </summary>
    private void OnFlushSubmits()
    {
        _flushScheduled = false;
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var commits = new List<(DocumentCommands.Submit Submit, CommittedOp Op, IReadOnlyList<CommittedOp>? OlderOps)>();
        var acksAfterWrite = new List<(DocumentCommands.Submit Submit, long Version, IReadOnlyList<CommittedOp>? OlderOps)>();
        foreach ((DocumentCommands.Submit submit, IReadOnlyList<CommittedOp>? olderOps) in _submitsToDecide)
        {
            switch (_state.Decide(submit.Src, submit.Seq, submit.Version, submit.Change, now, olderOps))
            {
                case SubmitDecision.Commit commit:
                    _state.Apply(commit.Op);
                    commits.Add((submit, commit.Op, olderOps));
                    break;
                case SubmitDecision.NeedOlderOps older when olderOps is null:
                    ReadHistory(new DocumentHistoryReader.Ops(older.From, _state.OldestLoggedVersion), submit);
                    break;
                case SubmitDecision.NeedOlderOps:
                    Reply(submit.ReplyTo, Rejected(submit.RequestId, ProtocolErrorCodes.OpVersionTooOld,
                        $"Op version {submit.Version} is older than the history this server can read; fetch the document again."));
                    break;
                case SubmitDecision.AlreadyCommitted when olderOps is null && submit.Version is { } from && from < _state.OldestLoggedVersion:
                    // A resend (after a reconnect or a restart) from before the in-memory log: the ack must carry
                    // every op since the client's version, so read the older ones first.
                    ReadHistory(new DocumentHistoryReader.Ops(from, _state.OldestLoggedVersion), submit);
                    break;
                case SubmitDecision.AlreadyCommitted already:
                    // The earlier copy may be in this very batch: ack it once the batch is written.
                    acksAfterWrite.Add((submit, already.Version, olderOps));
                    break;
                case SubmitDecision.Reject reject:
                    Reply(submit.ReplyTo, new DocumentReplies.Rejected(Id, submit.RequestId, reject.Error));
                    break;
            }
        }
        _submitsToDecide.Clear();

        if (commits.Count == 0)
        {
            foreach ((DocumentCommands.Submit submit, long version, IReadOnlyList<CommittedOp>? older) in acksAfterWrite)
                Reply(submit.ReplyTo, Acknowledge(submit, version, older));
            return;
        }
        int written = 0;
        PersistAll(commits.Select(c => c.Op), committed =>
        {
            (DocumentCommands.Submit submit, _, IReadOnlyList<CommittedOp>? older) = commits[written++];
            CollabMetrics.OpCommitted(TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - committed.TimestampMs));
            Reply(submit.ReplyTo, Acknowledge(submit, committed.Version, older));
            Publish(committed, author: submit.ReplyTo);
            if (written < commits.Count) return;
            foreach ((DocumentCommands.Submit dup, long version, IReadOnlyList<CommittedOp>? dupOlder) in acksAfterWrite)
                Reply(dup.ReplyTo, Acknowledge(dup, version, dupOlder));
            if (_state.Version - _snapshotVersion >= _settings.SnapshotEvery) SaveSnapshotNow();
        });
    }

    /// <summary>
    /// The ack, carrying the ops between the author's base version and its op, which it has not seen (ShareDB's rule:
    /// a client's version moves to the ack's, so an op left out would be lost to it). Ops from before the in-memory
    /// log come from <paramref name="olderOps"/>, read from the journal before the submit was decided.
    /// </summary>
    private DocumentReplies.Acknowledged Acknowledge(DocumentCommands.Submit submit, long committedAt, IReadOnlyList<CommittedOp>? olderOps)
    {
        long from = Math.Min(submit.Version ?? committedAt, committedAt);
        var missed = new List<CommittedOp>();
        foreach (CommittedOp op in olderOps ?? [])
            if (op.Version >= from && op.Version < committedAt) missed.Add(op);
        long next = missed.Count > 0 ? missed[^1].Version + 1 : from;
        if (_state.OpsSince(Math.Max(next, _state.OldestLoggedVersion)) is { } recent)
            foreach (CommittedOp op in recent)
                if (op.Version >= next && op.Version < committedAt) missed.Add(op);
        return new DocumentReplies.Acknowledged(Id, submit.RequestId, submit.Src, submit.Seq, committedAt, missed);
    }

    /// <summary>Once to each node with a subscriber other than the author; the node's fan-out does the rest.</summary>
    private void Publish(CommittedOp op, IActorRef author)
    {
        foreach ((Address node, IReadOnlyCollection<IActorRef> subscribers) in _subscribers.ByNode)
        {
            bool authorThere = subscribers.Contains(author);
            if (authorThere && subscribers.Count == 1) continue;
            ToNode(node, new FanoutCommands.Publish(Id, op, authorThere ? author : null));
        }
    }

    /// <summary>
    /// Every reply to a connection: through its node's fan-out while it is a subscriber or on another node (so an ack
    /// or an answer never overtakes an op or another reply sent to it before), straight to it otherwise.
    /// </summary>
    private void Reply(IActorRef to, DocumentReplies.IDocumentReply reply)
    {
        if (_subscribers.Contains(to) || !IsLocal(to.Path.Address)) ToNode(to.Path.Address, new FanoutCommands.Relay(Id, to, reply));
        else to.Tell(reply);
    }

    /// <summary>
    /// To the fan-out of <paramref name="node"/>: this node's straight away, another node's through this node's
    /// <see cref="FanoutOutbox"/>, which sends what this node's documents have for that node as one message.
    /// </summary>
    private void ToNode(Address node, FanoutCommands.IFanoutCommand command)
    {
        if (IsLocal(node)) (_localFanout ??= Provider.ResolveActorRef(NodeFanout.PathOn(Provider.DefaultAddress))).Tell(command);
        else (_outbox ??= Provider.ResolveActorRef(FanoutOutbox.LocalPath(Context.System))).Tell(new FanoutOutbox.Send(node, Self, command));
    }

    private bool IsLocal(Address node) => node.HasLocalScope || node.Equals(Provider.DefaultAddress);

    private IActorRefProvider Provider => ((ExtendedActorSystem)Context.System).Provider;

    private DocumentReplies.IDocumentReply Fetch(long requestId, long? fromVersion)
    {
        if (fromVersion is not { } from) return new DocumentReplies.Fetched(Id, requestId, _state.Snapshot(), Array.Empty<CommittedOp>());
        if (from > _state.Version)
            return Rejected(requestId, ProtocolErrorCodes.OpVersionNewerThanCurrentSnapshot,
                $"Version {from} is newer than the document's version {_state.Version}.");
        return _state.OpsSince(from) is { } ops
            ? new DocumentReplies.Fetched(Id, requestId, null, ops)
            : Rejected(requestId, ProtocolErrorCodes.OpVersionTooOld,
                $"Ops since version {from} are no longer kept (oldest: {_state.OldestLoggedVersion}); fetch the snapshot instead.");
    }

    /// <summary>The ops since <paramref name="from"/> when the older part came from the journal.</summary>
    private DocumentReplies.IDocumentReply FetchWithOlder(long requestId, long from, IReadOnlyList<CommittedOp> older)
    {
        long end = from + older.Count;
        return _state.OpsSince(end) is { } newer && (older.Count == 0 || older[0].Version == from)
            ? new DocumentReplies.Fetched(Id, requestId, null, older.Concat(newer).ToArray())
            : Rejected(requestId, ProtocolErrorCodes.OpVersionTooOld, $"Ops since version {from} could not be read; fetch the snapshot instead.");
    }

    private void OnFetch(DocumentCommands.Fetch fetch)
    {
        if (fetch.FromVersion is { } from && from >= 0 && from < _state.OldestLoggedVersion)
            ReadHistory(new DocumentHistoryReader.Ops(from, _state.OldestLoggedVersion), fetch);
        else Reply(fetch.ReplyTo, Fetch(fetch.RequestId, fetch.FromVersion));
    }

    private void OnSubscribe(DocumentCommands.Subscribe subscribe)
    {
        if (subscribe.FromVersion is { } from && from >= 0 && from < _state.OldestLoggedVersion)
            ReadHistory(new DocumentHistoryReader.Ops(from, _state.OldestLoggedVersion), subscribe);
        else Subscribe(subscribe, Fetch(subscribe.RequestId, subscribe.FromVersion));
    }

    private void Subscribe(DocumentCommands.Subscribe subscribe, DocumentReplies.IDocumentReply reply)
    {
        if (reply is DocumentReplies.Fetched && _subscribers.Add(subscribe.ReplyTo))
        {
            Context.Watch(subscribe.ReplyTo);
            Context.SetReceiveTimeout(null);
            // Before the answer, on the path the answer and every later op take.
            ToNode(subscribe.ReplyTo.Path.Address, new FanoutCommands.AddSubscriber(Id, subscribe.ReplyTo));
        }
        Reply(subscribe.ReplyTo, reply);
    }

    private void OnFetchOps(DocumentCommands.FetchOps request)
    {
        long to = request.To ?? _state.Version;
        if (request.From < 0 || to < request.From || to > _state.Version)
            Reply(request.ReplyTo, Rejected(request.RequestId, ProtocolErrorCodes.MessageBadlyFormed,
                $"Range {request.From}..{to} is not within 0..{_state.Version}."));
        else if (request.From < _state.OldestLoggedVersion)
            ReadHistory(new DocumentHistoryReader.Ops(request.From, to), request with { To = to });
        else
            Reply(request.ReplyTo, new DocumentReplies.Fetched(Id, request.RequestId, null,
                _state.OpsSince(request.From)!.Where(op => op.Version < to).ToArray()));
    }

    /// <summary>Starts a history read, or puts it in line behind the ones running (or refuses it when the line is full).</summary>
    private void ReadHistory(DocumentHistoryReader.Query query, DocumentCommands.IDocumentRequest request)
    {
        if (_historyReadsRunning < _settings.MaxConcurrentHistoryReads)
        {
            _historyReadsRunning++;
            Context.ActorOf(DocumentHistoryReader.Props(PersistenceId, Id, _settings, Journal, SnapshotStore, query, request));
        }
        else if (_historyReadsWaiting.Count < _settings.MaxQueuedHistoryReads)
        {
            _historyReadsWaiting.Enqueue((query, request));
        }
        else
        {
            Reply(request.ReplyTo, Rejected(request.RequestId, ProtocolErrorCodes.SnapshotUnavailable,
                $"Too many reads of this document's history are waiting ({_settings.MaxQueuedHistoryReads}); try again."));
        }
    }

    /// <summary>A history read has answered: the next one in line may start.</summary>
    private void HistoryReadEnded()
    {
        _historyReadsRunning--;
        if (_historyReadsWaiting.TryDequeue(out var next)) ReadHistory(next.Query, next.Request);
    }

    private void OnHistoryRead(DocumentHistoryReader.HistoryRead read)
    {
        HistoryReadEnded();
        switch (read.Request)
        {
            case DocumentCommands.Submit submit:
                Decide(submit, read.Ops);
                break;
            case DocumentCommands.Fetch fetch:
                Reply(fetch.ReplyTo, FetchWithOlder(fetch.RequestId, fetch.FromVersion!.Value, read.Ops));
                break;
            case DocumentCommands.Subscribe subscribe:
                Subscribe(subscribe, FetchWithOlder(subscribe.RequestId, subscribe.FromVersion!.Value, read.Ops));
                break;
            case DocumentCommands.FetchOps fetchOps:
                Reply(fetchOps.ReplyTo, read.Ops.Count == fetchOps.To - fetchOps.From
                    ? new DocumentReplies.Fetched(Id, fetchOps.RequestId, null, read.Ops)
                    : Rejected(fetchOps.RequestId, ProtocolErrorCodes.SnapshotUnavailable, "The journal does not hold all of these ops."));
                break;
            case DocumentCommands.FetchSnapshotAtVersion at when read.Snapshot is { } snapshot:
                Reply(at.ReplyTo, new DocumentReplies.SnapshotAt(Id, at.RequestId, snapshot));
                break;
            case DocumentCommands.FetchSnapshotAtTime at when read.Snapshot is { } snapshot:
                Reply(at.ReplyTo, new DocumentReplies.SnapshotAt(Id, at.RequestId, snapshot));
                break;
        }
    }

    private void OnHistoryReadFailed(DocumentHistoryReader.HistoryReadFailed failed)
    {
        HistoryReadEnded();
        _log.Warning(failed.Cause, "Reading the history of {0} failed", PersistenceId);
        Reply(failed.Request.ReplyTo, Rejected(failed.Request.RequestId, ProtocolErrorCodes.SnapshotUnavailable,
            $"The document's history could not be read: {failed.Cause.Message}"));
    }

    /// <summary>Saves what the last snapshot lacks, then stops (passivation and hand-off).</summary>
    private void StopAfterSnapshot()
    {
        if (_stopping) return;
        _stopping = true;
        if (_state.Version > _snapshotVersion) SaveSnapshotNow();
        else Context.Stop(Self);
    }

    /// <summary>Saves the current state; counted as saved at once so the ops until it is confirmed do not save again.</summary>
    private void SaveSnapshotNow()
    {
        _snapshotVersion = _state.Version;
        SaveSnapshot(_state.ToSnapshot());
    }

    private void Forget(IActorRef subscriber)
    {
        if (!_subscribers.Remove(subscriber)) return;
        Context.Unwatch(subscriber);
        ToNode(subscriber.Path.Address, new FanoutCommands.RemoveSubscriber(Id, subscriber));
        if (_subscribers.Count == 0) Context.SetReceiveTimeout(_idleAfter);
    }

    private void OnSnapshotAtVersion(DocumentCommands.FetchSnapshotAtVersion request)
    {
        if (request.Version is < 0)
        {
            Reply(request.ReplyTo, Rejected(request.RequestId, ProtocolErrorCodes.MessageBadlyFormed, "Version must not be negative."));
            return;
        }
        if (request.Version is { } old && old < _state.OldestLoggedVersion)
        {
            ReadHistory(new DocumentHistoryReader.SnapshotAtVersion(old), request);
            return;
        }
        WireSnapshot? snapshot = _state.SnapshotAt(request.Version ?? _state.Version);
        Reply(request.ReplyTo, snapshot is null
            ? Rejected(request.RequestId, ProtocolErrorCodes.SnapshotUnavailable,
                $"Version {request.Version} is older than this server keeps (oldest: {_state.OldestLoggedVersion}).")
            : new DocumentReplies.SnapshotAt(Id, request.RequestId, snapshot));
    }

    private void OnSnapshotAtTime(DocumentCommands.FetchSnapshotAtTime request)
    {
        long? version = request.TimestampMs is { } ts ? _state.VersionAt(ts) : _state.Version;
        if (version is null && request.TimestampMs is { } before)
        {
            ReadHistory(new DocumentHistoryReader.SnapshotAtTime(before, _state.OldestLoggedVersion), request);
            return;
        }
        WireSnapshot? snapshot = version is { } v ? _state.SnapshotAt(v) : null;
        Reply(request.ReplyTo, snapshot is null
            ? Rejected(request.RequestId, ProtocolErrorCodes.SnapshotUnavailable,
                $"The document's state at {request.TimestampMs} is older than this server keeps.")
            : new DocumentReplies.SnapshotAt(Id, request.RequestId, snapshot));
    }

    private void OnPublishPresence(DocumentCommands.PublishPresence publish)
    {
        PresenceMessage presence = publish.Presence;
        if (presence.Version is { } version && version != _state.Version)
        {
            if (!_state.TryTransformPresence(presence.Value, version, presence.Src, out JsonElement? moved))
            {
                // Presence naming json0 in 't' was refused by the connection, as ShareDB's agent refuses it; this
                // one named no type (or another) and cannot be moved through the json0 ops since. A value that may
                // point at the wrong place is not relayed.
                _log.Debug("Presence {0} on {1} made at {2} not relayed: {3} cannot move presence through ops",
                    presence.PresenceId, Id, version, _state.Type);
                return;
            }
            presence = presence with { Value = moved, Version = Math.Max(version, _state.Version) };
        }
        _presenceRegion.Tell(new PresenceCommands.Publish(presence.Channel, publish.Publisher, presence));
    }

    private DocumentReplies.Rejected Rejected(long requestId, string code, string message) =>
        new(Id, requestId, new ProtocolError(code, message));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The ops of this write were applied to the in-memory state but not acked nor pushed to anyone. The actor
        // stops (its subscribers are told SubscriptionLost), that state is gone with it, and the next message starts
        // an incarnation from the journal: without those ops if the write did not reach the store, with them if it
        // did. Either way the client's resend (same src and seq) is applied once.
        _log.Error(cause, "Journal write failed for {0} at sequence {1}; no ack sent, restarting from the journal", PersistenceId, sequenceNr);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    /// <summary>Decide and write the submits queued so far (sent to self behind them).</summary>
    private sealed record FlushSubmits : INoSerializationVerificationNeeded
    {
        public static readonly FlushSubmits Instance = new();
    }
}
