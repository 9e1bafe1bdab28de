using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using CollabActors.Diagnostics;
using CollabActors.Presence;
using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>
/// The single sequencer of one document, a Cluster.Sharding entity (the hub of gorilla's chat example, for one
/// document). It decides each submit with <see cref="DocumentState"/>, persists the committed op, and only in the
/// persist callback applies it, acks the author and pushes it to every other subscriber, so an ack always means the
/// op is in the journal.
/// </summary>
public sealed class DocumentActor : ReceivePersistentActor
{
    private readonly DocumentState _state;
    private readonly IActorRef _presenceRegion;
    private readonly Dictionary<IActorRef, bool> _subscribers = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly TimeSpan _idleAfter;

    public DocumentActor(DocumentId id, DocumentSettings settings, IActorRef presenceRegion)
    {
        _state = new DocumentState(id, settings);
        _presenceRegion = presenceRegion;
        PersistenceId = "document-" + id.EntityId;

        Recover<CommittedOp>(op => _state.Apply(op));

        Command<DocumentCommands.Submit>(OnSubmit);
        Command<DocumentCommands.Fetch>(f => Reply(f.ReplyTo, Fetch(f.RequestId, f.FromVersion)));
        Command<DocumentCommands.Subscribe>(OnSubscribe);
        Command<DocumentCommands.Unsubscribe>(u => Forget(u.Subscriber));
        Command<DocumentCommands.FetchSnapshotAtVersion>(OnSnapshotAtVersion);
        Command<DocumentCommands.FetchSnapshotAtTime>(OnSnapshotAtTime);
        Command<DocumentCommands.PublishPresence>(OnPublishPresence);
        Command<DocumentCommands.GetStatus>(_ =>
            Sender.Tell(new DocumentReplies.DocumentStatus(Id, _state.Version, _subscribers.Count, 0)));
        Command<Terminated>(t => Forget(t.ActorRef));
        Command<ReceiveTimeout>(_ =>
        {
            if (_subscribers.Count == 0) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
        });
        // The document stops itself when idle and unwatched; sharding's own idle passivation is off for it, since
        // it would also stop a document that readers are subscribed to and drop them silently.
        _idleAfter = settings.PassivateIdleAfter;
        Context.SetReceiveTimeout(_idleAfter);
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
        CollabMetrics.DocumentStopped();
        base.PostStop();
    }

    public static Props Props(DocumentId id, DocumentSettings settings, IActorRef presenceRegion) =>
        Akka.Actor.Props.Create(() => new DocumentActor(id, settings, presenceRegion));

    private void OnSubmit(DocumentCommands.Submit submit)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        switch (_state.Decide(submit.Src, submit.Seq, submit.Version, submit.Change, now))
        {
            case SubmitDecision.Commit commit:
                Persist(commit.Op, committed =>
                {
                    _state.Apply(committed);
                    CollabMetrics.OpCommitted(TimeSpan.FromMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - committed.TimestampMs));
                    submit.ReplyTo.Tell(Acknowledge(submit, committed.Version));
                    Publish(committed, author: submit.ReplyTo);
                });
                break;
            case SubmitDecision.AlreadyCommitted already:
                submit.ReplyTo.Tell(Acknowledge(submit, already.Version));
                break;
            case SubmitDecision.Reject reject:
                submit.ReplyTo.Tell(new DocumentReplies.Rejected(Id, submit.RequestId, reject.Error));
                break;
        }
    }

    /// <summary>The ack, carrying the ops between the author's base version and its op, which it has not seen.</summary>
    private DocumentReplies.Acknowledged Acknowledge(DocumentCommands.Submit submit, long committedAt)
    {
        long from = submit.Version ?? committedAt;
        IReadOnlyList<CommittedOp> missed = _state.OpsSince(Math.Min(from, committedAt)) is { } since
            ? since.Where(op => op.Version < committedAt).ToArray()
            : Array.Empty<CommittedOp>();
        return new DocumentReplies.Acknowledged(Id, submit.RequestId, submit.Src, submit.Seq, committedAt, missed);
    }

    private void Publish(CommittedOp op, IActorRef author)
    {
        if (_subscribers.Count == 0 || (_subscribers.Count == 1 && _subscribers.ContainsKey(author))) return;
        // Encoded at most once per encoding, however many subscribers (see PreparedMessage).
        var published = new DocumentReplies.OpPublished(Id, op, new PreparedMessage(op.ToMessage(Id)));
        foreach (IActorRef subscriber in _subscribers.Keys)
        {
            if (!subscriber.Equals(author)) subscriber.Tell(published);
        }
    }

    private object Fetch(long requestId, long? fromVersion)
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

    private void OnSubscribe(DocumentCommands.Subscribe subscribe)
    {
        object reply = Fetch(subscribe.RequestId, subscribe.FromVersion);
        if (reply is DocumentReplies.Fetched && _subscribers.TryAdd(subscribe.ReplyTo, true))
        {
            Context.Watch(subscribe.ReplyTo);
            Context.SetReceiveTimeout(null);
        }
        subscribe.ReplyTo.Tell(reply);
    }

    private void Forget(IActorRef subscriber)
    {
        if (!_subscribers.Remove(subscriber)) return;
        Context.Unwatch(subscriber);
        if (_subscribers.Count == 0) Context.SetReceiveTimeout(_idleAfter);
    }

    private void OnSnapshotAtVersion(DocumentCommands.FetchSnapshotAtVersion request)
    {
        if (request.Version is < 0)
        {
            Reply(request.ReplyTo, Rejected(request.RequestId, ProtocolErrorCodes.MessageBadlyFormed, "Version must not be negative."));
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
            presence = presence with
            {
                Value = _state.TransformPresence(presence.Value, version),
                Version = Math.Max(version, _state.Version),
            };
        }
        _presenceRegion.Tell(new PresenceCommands.Publish(presence.Channel, publish.Publisher, presence));
    }

    private DocumentReplies.Rejected Rejected(long requestId, string code, string message) =>
        new(Id, requestId, new ProtocolError(code, message));

    private static void Reply(IActorRef to, object reply) => to.Tell(reply);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The op was not acked; the actor stops and the next message recovers it from the journal, so the client's
        // resend (same src and seq) is applied once.
        _log.Error(cause, "Journal write failed for {0} at sequence {1}; no ack sent, restarting from the journal", PersistenceId, sequenceNr);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
