using Akka.Actor;
using Akka.Persistence;
using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>
/// Reads a document's past from its journal and snapshot store for the document actor, when the in-memory op log
/// does not reach back far enough (after a restart, a snapshot recovery, or a long history). One short-lived child
/// per read; it answers its parent with <see cref="HistoryRead"/> or <see cref="HistoryReadFailed"/> and stops.
/// Events are the document's ops in order, so the op committed at version v has sequence number v + 1 and a
/// snapshot saved at sequence number s holds the document at version s.
/// </summary>
public sealed class DocumentHistoryReader : ReceiveActor
{
    /// <summary>What to read.</summary>
    public abstract record Query : INoSerializationVerificationNeeded;

    /// <summary>The ops committed at versions <see cref="From"/> to <see cref="To"/> - 1.</summary>
    public sealed record Ops(long From, long To) : Query;

    /// <summary>The document as it was at <see cref="Version"/>: nearest snapshot at or before it, plus replay.</summary>
    public sealed record SnapshotAtVersion(long Version) : Query;

    /// <summary>The document as it was at a time (Unix ms), looking no further than version <see cref="UpTo"/>.</summary>
    public sealed record SnapshotAtTime(long TimestampMs, long UpTo) : Query;

    /// <summary>
    /// The answer; <see cref="Request"/> is the command that needed it, handed back untouched. Reader and document are
    /// on the same node (the reader is the document's child), so these messages are never serialized.
    /// </summary>
    public sealed record HistoryRead(DocumentCommands.IDocumentRequest Request, IReadOnlyList<CommittedOp> Ops, WireSnapshot? Snapshot)
        : INoSerializationVerificationNeeded;

    public sealed record HistoryReadFailed(DocumentCommands.IDocumentRequest Request, Exception Cause) : INoSerializationVerificationNeeded;

    private readonly string _persistenceId;
    private readonly DocumentState _state;
    private readonly IActorRef _journal;
    private readonly IActorRef _snapshotStore;
    private readonly Query _query;
    private readonly DocumentCommands.IDocumentRequest _request;
    /// <summary>
    /// Ops the first journal query of a read at a time asks for. Each next query asks for twice as many, up to
    /// <see cref="TimeReplayMaxChunk"/>, and the read stops at the first chunk past the time: a time a few ops after
    /// the snapshot it starts from costs a few ops, not 200 (of a history of 100 KB pastes, 20 MB a read: sixty
    /// such reads took 3 s alone and over 30 s on a busy machine).
    /// </summary>
    public const int TimeReplayFirstChunk = 16;

    /// <summary>
    /// The most ops a read at a time replays per journal query, so a late time costs chunks of this many, not one
    /// query for the rest of the journal (60 such reads of a long history took 11 s and 3.5 GB when each replayed
    /// everything after the time; issue 19).
    /// </summary>
    public const int TimeReplayMaxChunk = 200;

    /// <summary>The size of the chunk after one of <paramref name="previous"/> ops (0: none yet).</summary>
    public static int TimeReplayChunkAfter(int previous) =>
        previous == 0 ? TimeReplayFirstChunk : Math.Min(previous * 2, TimeReplayMaxChunk);

    private readonly List<CommittedOp> _ops = new();
    private bool _pastTheTime;
    // A read at a time: how far the journal has been asked for, and how far it may go.
    private long _replayedTo;
    private long _upTo;
    private int _chunk;

    public DocumentHistoryReader(
        string persistenceId, DocumentId id, DocumentSettings settings, IActorRef journal, IActorRef snapshotStore,
        Query query, DocumentCommands.IDocumentRequest request)
    {
        _persistenceId = persistenceId;
        // A private state to replay into; its op log only has to hold what this read replays.
        _state = new DocumentState(id, settings with { OpLogCapacity = 1 });
        _journal = journal;
        _snapshotStore = snapshotStore;
        _query = query;
        _request = request;
        Context.SetReceiveTimeout(settings.HistoryReadTimeout);

        Receive<LoadSnapshotResult>(OnSnapshotLoaded);
        Receive<LoadSnapshotFailed>(f => Fail(f.Cause));
        Receive<ReplayedMessage>(OnReplayed);
        Receive<RecoverySuccess>(_ => OnReplayDone());
        Receive<ReplayMessagesFailure>(f => Fail(f.Cause));
        Receive<ReceiveTimeout>(_ => Fail(new TimeoutException($"Reading the history of {persistenceId} took longer than {settings.HistoryReadTimeout}.")));
    }

    public static Props Props(
        string persistenceId, DocumentId id, DocumentSettings settings, IActorRef journal, IActorRef snapshotStore,
        Query query, DocumentCommands.IDocumentRequest request) =>
        Akka.Actor.Props.Create(() => new DocumentHistoryReader(persistenceId, id, settings, journal, snapshotStore, query, request));

    protected override void PreStart()
    {
        switch (_query)
        {
            case Ops ops:
                Replay(ops.From, ops.To);
                break;
            case SnapshotAtVersion at:
                _snapshotStore.Tell(new LoadSnapshot(_persistenceId, new SnapshotSelectionCriteria(at.Version), at.Version));
                break;
            case SnapshotAtTime at:
                var time = DateTimeOffset.FromUnixTimeMilliseconds(at.TimestampMs).UtcDateTime;
                _snapshotStore.Tell(new LoadSnapshot(_persistenceId, new SnapshotSelectionCriteria(at.UpTo, time), at.UpTo));
                break;
        }
    }

    private void OnSnapshotLoaded(LoadSnapshotResult result)
    {
        if (result.Snapshot?.Snapshot is DocumentSnapshot snapshot) _state.Restore(snapshot);
        long upTo = _query switch
        {
            SnapshotAtVersion at => at.Version,
            SnapshotAtTime at => at.UpTo,
            _ => _state.Version,
        };
        if (upTo <= _state.Version)
        {
            Finish();
        }
        else if (_query is SnapshotAtTime)
        {
            _replayedTo = _state.Version;
            _upTo = upTo;
            ReplayNextChunk();
        }
        else
        {
            Replay(_state.Version, upTo);
        }
    }

    private void ReplayNextChunk()
    {
        _chunk = TimeReplayChunkAfter(_chunk);
        long to = Math.Min(_replayedTo + _chunk, _upTo);
        Replay(_replayedTo, to);
        _replayedTo = to;
    }

    /// <summary>A replay has ended: a read at a time asks for the next chunk until it has passed the time.</summary>
    private void OnReplayDone()
    {
        if (_query is SnapshotAtTime && !_pastTheTime && _replayedTo < _upTo) ReplayNextChunk();
        else Finish();
    }

    /// <summary>Asks the journal for the ops at versions from..to-1 (sequence numbers from+1..to).</summary>
    private void Replay(long from, long to) =>
        _journal.Tell(new ReplayMessages(from + 1, to, to - from, _persistenceId, Self));

    private void OnReplayed(ReplayedMessage replayed)
    {
        if (replayed.Persistent.Payload is not CommittedOp op) return;
        switch (_query)
        {
            case Ops:
                _ops.Add(op);
                break;
            case SnapshotAtTime at when _pastTheTime || op.TimestampMs > at.TimestampMs:
                _pastTheTime = true;
                break;
            default:
                if (op.Version == _state.Version) _state.Apply(op);
                break;
        }
    }

    private void Finish()
    {
        WireSnapshot? snapshot = _query switch
        {
            SnapshotAtVersion at when _state.Version == at.Version => _state.Snapshot(),
            SnapshotAtTime => _state.Snapshot(),
            _ => null,
        };
        if (_query is SnapshotAtVersion && snapshot is null)
        {
            Fail(new InvalidOperationException($"The journal of {_persistenceId} does not reach version {((SnapshotAtVersion)_query).Version}."));
            return;
        }
        Context.Parent.Tell(new HistoryRead(_request, _ops, snapshot));
        Context.Stop(Self);
    }

    private void Fail(Exception cause)
    {
        Context.Parent.Tell(new HistoryReadFailed(_request, cause));
        Context.Stop(Self);
    }
}
