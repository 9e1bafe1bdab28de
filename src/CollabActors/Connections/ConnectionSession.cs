using System.Net.WebSockets;
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
/// One client's session with no actor, socket or timer in it (ShareDB's agent.js): it takes a decoded client message,
/// a reply from a document or presence channel, or a timer it asked for, and answers with what the connection does
/// (<see cref="ConnectionEffect"/>s): frames for the client, commands for documents and presence, a close, timers. It
/// owns request matching, what the client has of each document (<see cref="DocumentView"/>), bulk replies, the
/// subscription rules and their renewal after a document moves, access checks, and presence (<see cref="PresenceRelay"/>).
/// Every call returns the effects of that call only; the list is reused by the next call, so carry it out first.
/// Time is passed in (<see cref="Environment.TickCount64"/> ms) so tests control it.
/// </summary>
internal sealed class ConnectionSession
{
    /// <summary>How long a subscription renewal may go unanswered before it is sent again, and how many times.</summary>
    public static readonly TimeSpan ResubscribeTimeout = TimeSpan.FromSeconds(2);
    public const int MaxResubscribeAttempts = 15;

    /// <summary>Longest client id a handshake may carry; ids are echoed as the src of every op.</summary>
    public const int MaxClientIdLength = 128;

    /// <summary>1012 "service restart": the client should reconnect (to this node or another).</summary>
    public const WebSocketCloseStatus DocumentMovedStatus = (WebSocketCloseStatus)1012;

    private const string RepliesDueTimer = "replies-due";

    private readonly ConnectionSettings _settings;
    private readonly ConnectionAccess _access;
    private readonly IActorRef _connection;
    private readonly ILoggingAdapter _log;
    /// <summary>Made at the connection's first presence message: most never send one, and its tables are ~650 bytes each.</summary>
    private PresenceRelay? _presence;
    private readonly List<ConnectionEffect> _effects = new();
    // Made at first use, as the presence relay and the live queries are: most connections of a big node are quiet,
    // and an empty dictionary is 80 bytes (docs/benchmarks.md, "What an idle connection holds").
    private Dictionary<long, PendingRequest>? _pending;
    private Dictionary<DocumentId, DocumentView>? _documents;
    private readonly bool _answersQueries;
    private readonly bool _answersSubscribeQueries;
    /// <summary>Live subscribe queries by the client's query id; made at the first (most connections never ask one).</summary>
    private Dictionary<long, LiveQuery>? _liveQueries;
    private long _nextRequestId;
    private int _subscriptions;
    private int _queriesInFlight;
    private bool _repliesDueArmed;

    /// <param name="connection">The connection actor, named in commands as the one to answer (never sent to here).</param>
    /// <param name="answersQueries">The node has a read model: <c>qf</c> runs; otherwise queries are refused as not supported.</param>
    /// <param name="answersSubscribeQueries">The node keeps live queries too: <c>qs</c>/<c>qu</c> run.</param>
    public ConnectionSession(string clientId, ConnectionSettings settings, ConnectionAccess access, IActorRef connection, ILoggingAdapter log,
        bool answersQueries = false, bool answersSubscribeQueries = false)
    {
        _answersQueries = answersQueries;
        _answersSubscribeQueries = answersQueries && answersSubscribeQueries;
        Src = clientId;
        _settings = settings;
        _access = access;
        _connection = connection;
        _log = log;
    }

    /// <summary>The client's id: the src of its ops. A handshake may resume an earlier one issued to the same subject.</summary>
    public string Src { get; private set; }

    /// <summary>Document requests waiting for their reply.</summary>
    public int PendingRequests => _pending?.Count ?? 0;

    /// <summary>Documents the client is subscribed to or subscribing to (counted against <see cref="ConnectionSettings.MaxSubscriptions"/>).</summary>
    public int Subscriptions => _subscriptions;

    /// <summary>Live subscribe queries (started, answered or not yet), counted against <see cref="ConnectionSettings.MaxQuerySubscriptions"/>.</summary>
    public int QuerySubscriptions => _liveQueries?.Count ?? 0;

    private PresenceRelay Presence => _presence ??= new PresenceRelay(_settings, _access.Name, _connection);

    /// <summary>
    /// The effects last returned have been carried out: the list lets go of them, so a quiet connection does not hold
    /// its last reply (for most, the init message) until its next message.
    /// </summary>
    public void EffectsCarriedOut() => _effects.Clear();

    /// <summary>ShareDB greets first: the client checks the protocol and default type before anything else.</summary>
    public IReadOnlyList<ConnectionEffect> Start()
    {
        _effects.Clear();
        Reply(HandshakeReply.Init(Src));
        return _effects;
    }

    /// <summary>A message the client sent, past <see cref="ConnectionAdmission"/>.</summary>
    public IReadOnlyList<ConnectionEffect> Handle(ClientMessage message, long nowMs)
    {
        _effects.Clear();
        if (Denial(message) is { } denial)
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.AccessDenied);
            Reply(ErrorReply.To(message, ProtocolErrorCodes.AccessDenied, denial));
            return _effects;
        }
        switch (message)
        {
            case UnreadableMessage unreadable:
                CollabMetrics.MessageRejected(unreadable.Error.Code);
                Reply(new ErrorReply(unreadable.Request, unreadable.Error));
                break;
            case HandshakeRequest hs:
                // Only an id issued to this subject may be resumed (see ClientIdIssuer); otherwise the new id stands.
                if (hs.PreviousClientId is { Length: > 0 and <= MaxClientIdLength } previous && _access.ClientIds.MayResume(previous))
                    Src = previous;
                Reply(HandshakeReply.Handshake(Src));
                break;
            case PingRequest:
                Reply(PongReply.Instance);
                break;
            case FetchRequest f:
                RequestFromDocument(f, new DocumentId(f.Collection, f.DocumentId),
                    (doc, id) => new DocumentCommands.Fetch(doc, id, _connection, f.Version));
                break;
            case SubscribeRequest s:
                Subscribe(s, new DocumentId(s.Collection, s.DocumentId), s.Version, bulk: null);
                break;
            case UnsubscribeRequest u:
                Unsubscribe(new DocumentId(u.Collection, u.DocumentId));
                Reply(new UnsubscribeReply(u.Collection, u.DocumentId));
                break;
            case SubmitRequest op:
                RequestFromDocument(op, new DocumentId(op.Collection, op.DocumentId),
                    (doc, id) => new DocumentCommands.Submit(doc, id, _connection, Src, op.Seq, op.Version, op.Change));
                break;
            case BulkFetchRequest bf:
                StartBulk(bf, bf.Collection, bf.Documents, subscribe: false);
                break;
            case BulkSubscribeRequest bs:
                StartBulk(bs, bs.Collection, bs.Documents, subscribe: true);
                break;
            case BulkUnsubscribeRequest bu:
                foreach (string id in bu.Documents.Ids) Unsubscribe(new DocumentId(bu.Collection, id));
                Reply(new BulkReply(MessageActions.BulkUnsubscribe, bu.Collection, null, bu.Documents));
                break;
            case SnapshotAtVersionRequest nf:
                RequestFromDocument(nf, new DocumentId(nf.Collection, nf.DocumentId),
                    (doc, id) => new DocumentCommands.FetchSnapshotAtVersion(doc, id, _connection, nf.Version));
                break;
            case SnapshotAtTimeRequest nt:
                RequestFromDocument(nt, new DocumentId(nt.Collection, nt.DocumentId),
                    (doc, id) => new DocumentCommands.FetchSnapshotAtTime(doc, id, _connection, nt.TimestampMs));
                break;
            case PresenceUpdate p:
                Presence.Update(p, Src, nowMs, _effects);
                break;
            case PresenceSubscribeRequest ps:
                Presence.Subscribe(ps, Src, _effects);
                break;
            case PresenceUnsubscribeRequest pu:
                Presence.Unsubscribe(pu, _effects);
                break;
            case PresenceRequest pr:
                Presence.Request(pr, Src, _effects);
                break;
            case QueryRequest { QueryAction: MessageActions.QueryFetch } qf when _answersQueries:
                FetchQuery(qf);
                break;
            case QueryRequest { QueryAction: MessageActions.QuerySubscribe } qs when _answersSubscribeQueries:
                SubscribeQuery(qs);
                break;
            case QueryRequest { QueryAction: MessageActions.QueryUnsubscribe } qu when _answersSubscribeQueries:
                UnsubscribeQuery(qu);
                break;
            case QueryRequest q:
                Reply(ErrorReply.To(q, ProtocolErrorCodes.QueriesNotSupported, _answersQueries
                    ? "Subscribe queries (qs/qu) are not served by this node; fetch queries (qf) are."
                    : "Queries are not supported: this server keeps no read model (Collab:Queries:Enabled is false)."));
                break;
            default:
                Reply(ErrorReply.To(message, ProtocolErrorCodes.MessageBadlyFormed, $"Unsupported action '{message.Action}'."));
                break;
        }
        return _effects;
    }

    // ---- queries ----

    private void FetchQuery(QueryRequest q)
    {
        if (q.Collection is null || q.Query is null)
        {
            Reply(ErrorReply.To(q, ProtocolErrorCodes.QueryInvalid, "A query names its collection (c) and has a query object (q)."));
            return;
        }
        if (_queriesInFlight >= _settings.MaxQueriesInFlight)
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.QueryUnavailable);
            Reply(ErrorReply.To(q, ProtocolErrorCodes.QueryUnavailable,
                $"A connection may have at most {_settings.MaxQueriesInFlight} queries running at once; wait for an answer."));
            return;
        }
        _queriesInFlight++;
        // A query's results are only documents the token may read.
        _effects.Add(new ConnectionEffect.RunQuery(q, _access.ReadablePatterns));
    }

    /// <summary>A fetch query's results arrived.</summary>
    public IReadOnlyList<ConnectionEffect> QueryFetched(QueryReplies.Fetched fetched)
    {
        _effects.Clear();
        _queriesInFlight--;
        Reply(new QueryFetchReply(fetched.Request.QueryId, fetched.Results));
        return _effects;
    }

    /// <summary>A query was refused or failed: the client gets the error, nothing else changes (a subscribe query is gone).</summary>
    public IReadOnlyList<ConnectionEffect> QueryFailed(QueryReplies.Failed failed)
    {
        _effects.Clear();
        if (failed.Request.QueryAction == MessageActions.QuerySubscribe)
        {
            // Only the subscription this reply is for: the client may have replaced or ended it meanwhile.
            if (_liveQueries is null || !_liveQueries.TryGetValue(failed.Request.QueryId, out LiveQuery? live) || live.Token != failed.Token) return _effects;
            _liveQueries.Remove(failed.Request.QueryId);
        }
        else
        {
            _queriesInFlight--;
        }
        CollabMetrics.MessageRejected(failed.Error.Code);
        Reply(new ErrorReply(failed.Request.Echo(), failed.Error));
        return _effects;
    }

    private void SubscribeQuery(QueryRequest q)
    {
        if (q.Collection is null || q.Query is null)
        {
            Reply(ErrorReply.To(q, ProtocolErrorCodes.QueryInvalid, "A query names its collection (c) and has a query object (q)."));
            return;
        }
        // A qs under an id already live replaces that subscription, as ShareDB's agent does.
        _liveQueries ??= new Dictionary<long, LiveQuery>();
        bool replaces = _liveQueries.ContainsKey(q.QueryId);
        if (!replaces && _liveQueries.Count >= _settings.MaxQuerySubscriptions)
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.TooManyQuerySubscriptions);
            Reply(ErrorReply.To(q, ProtocolErrorCodes.TooManyQuerySubscriptions,
                $"A connection may hold at most {_settings.MaxQuerySubscriptions} subscribe queries (Collab:Connections:MaxQuerySubscriptions); end one with qu."));
            return;
        }
        if (replaces) EndLiveQuery(q.QueryId);
        var live = new LiveQuery(q, ++_nextRequestId);
        _liveQueries[q.QueryId] = live;
        // Its results are only documents the token may read, now and on every change.
        _effects.Add(new ConnectionEffect.StartLiveQuery(q, live.Token, _access.ReadablePatterns));
    }

    private void UnsubscribeQuery(QueryRequest q)
    {
        if (_liveQueries is null || !_liveQueries.ContainsKey(q.QueryId))
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.QueryNotSubscribed);
            Reply(ErrorReply.To(q, ProtocolErrorCodes.QueryNotSubscribed, $"No subscribe query with id {q.QueryId} on this connection."));
            return;
        }
        EndLiveQuery(q.QueryId);
        Reply(new QueryUnsubscribeReply(q.QueryId));
    }

    /// <summary>Stops a live query and releases the documents its results held.</summary>
    private void EndLiveQuery(long queryId)
    {
        if (_liveQueries is null || !_liveQueries.Remove(queryId, out LiveQuery? live)) return;
        _effects.Add(new ConnectionEffect.StopLiveQuery(live.Token));
        foreach (string id in live.Ids) ReleaseForQuery(new DocumentId(live.Request.Collection!, id));
    }

    /// <summary>
    /// A subscribe query's first results: the client gets them, and each document in them is subscribed from the
    /// version of the snapshot sent, so an op committed after the read model's snapshot reaches the client (as a
    /// catch-up op from the document) and none twice.
    /// </summary>
    public IReadOnlyList<ConnectionEffect> QuerySubscribed(QueryReplies.Subscribed subscribed)
    {
        _effects.Clear();
        if (_liveQueries is null || !_liveQueries.TryGetValue(subscribed.Request.QueryId, out LiveQuery? live) || live.Token != subscribed.Token) return _effects;
        live.Answered = true;
        Reply(new QuerySubscribeReply(subscribed.Request.QueryId, subscribed.Results));
        foreach (QueriedDocument document in subscribed.Results.Documents)
        {
            live.Ids.Add(document.Id);
            var id = new DocumentId(live.Request.Collection!, document.Id);
            // After a reconnect the client says at which version it has its previous results: it keeps those
            // documents (it fetches their ops rather than take a newer snapshot), so they are subscribed from there.
            if (live.Request.KnownVersions?.TryGetValue(document.Id, out long known) == true) ViewOf(id).NextVersion ??= known;
            HoldForQuery(id, document.Snapshot.Version);
        }
        return _effects;
    }

    /// <summary>A subscribe query's results changed: the client gets the diff; documents that entered are subscribed from the version sent, those that left are released.</summary>
    public IReadOnlyList<ConnectionEffect> QueryChanged(QueryReplies.Changed changed)
    {
        _effects.Clear();
        if (_liveQueries is null || !_liveQueries.TryGetValue(changed.QueryId, out LiveQuery? live) || live.Token != changed.Token || !live.Answered) return _effects;
        Reply(new QueryUpdate(changed.QueryId, changed.Diff, changed.CountChanged, changed.Count));
        string collection = live.Request.Collection!;
        foreach (ResultsChange change in changed.Diff)
        {
            switch (change)
            {
                case ResultsChange.Remove remove:
                    foreach (string id in live.Ids.GetRange(remove.Index, remove.HowMany)) ReleaseForQuery(new DocumentId(collection, id));
                    break;
                case ResultsChange.Insert insert:
                    foreach (QueriedDocument document in insert.Documents) HoldForQuery(new DocumentId(collection, document.Id), document.Snapshot.Version);
                    break;
            }
            ResultsDiff.Apply(live.Ids, [change]);
        }
        return _effects;
    }

    /// <summary>
    /// A query's results hold <paramref name="document"/>, whose snapshot at <paramref name="version"/> the client was
    /// just sent: the client needs the ops from there on. The first hold subscribes the document (unless the client
    /// subscribed to it itself), from that version; or, when this connection already sent the client the document up
    /// to some version, from that one: a client that has the document does not take a newer snapshot (the stock
    /// client fetches the ops from its own version instead), so nothing it lacks may be skipped.
    /// </summary>
    private void HoldForQuery(DocumentId document, long version)
    {
        DocumentView view = ViewOf(document);
        view.QueryHolds++;
        view.NextVersion ??= version;
        if (view.QueryHolds > 1 || view.WantsSubscription) return;
        long from = view.NextVersion.Value;
        long requestId = ++_nextRequestId;
        var subscribe = new DocumentCommands.Subscribe(document, requestId, _connection, from);
        (_pending ??= new())[requestId] = new PendingRequest(new SubscribeRequest(document.Collection, document.Id, from), subscribe,
            SentAt: System.Diagnostics.Stopwatch.GetTimestamp(), ForQuery: true);
        _effects.Add(new ConnectionEffect.ToDocument(subscribe));
    }

    /// <summary>A query's results no longer hold <paramref name="document"/>: the last hold unsubscribes it, unless the client subscribed to it itself.</summary>
    private void ReleaseForQuery(DocumentId document)
    {
        if (!TryGetView(document, out DocumentView? view) || view.QueryHolds == 0) return;
        view.QueryHolds--;
        if (view.Held) return;
        view.Subscribed = false;
        _effects.Add(new ConnectionEffect.ToDocument(new DocumentCommands.Unsubscribe(document, _connection)));
    }

    /// <summary>One subscribe query of this connection: its request, its key with the node's live queries, and the ids the client has as its results.</summary>
    private sealed class LiveQuery(QueryRequest request, long token)
    {
        public QueryRequest Request { get; } = request;
        public long Token { get; } = token;
        public List<string> Ids { get; } = new();

        /// <summary>The client has the first results (changes before them are not for it).</summary>
        public bool Answered { get; set; }
    }

    // ---- access ----

    /// <summary>Why the connection's access does not allow <paramref name="message"/>, or null when it does.</summary>
    private string? Denial(ClientMessage message)
    {
        switch (message)
        {
            case FetchRequest f: return ReadDenial(f.Collection, f.DocumentId);
            case SubscribeRequest s: return ReadDenial(s.Collection, s.DocumentId);
            case SnapshotAtVersionRequest nf: return ReadDenial(nf.Collection, nf.DocumentId);
            case SnapshotAtTimeRequest nt: return ReadDenial(nt.Collection, nt.DocumentId);
            case BulkFetchRequest bf: return BulkDenial(bf.Collection, bf.Documents);
            case BulkSubscribeRequest bs: return BulkDenial(bs.Collection, bs.Documents);
            case SubmitRequest op:
                // ShareDB takes a src from the op (a resend after reconnect); here the session's src is the only one,
                // so no connection can commit ops under another's src and have that editor's ops dropped as duplicates.
                if (op.Src is not null && op.Src != Src) return $"An op may only carry this connection's src '{Src}'.";
                return _access.CanWrite(new DocumentId(op.Collection, op.DocumentId))
                    ? null
                    : $"No write access to {op.Collection}/{op.DocumentId}.";
            case PresenceUpdate p:
                return p.Collection is not null && p.DocumentId is not null
                    ? ReadDenial(p.Collection, p.DocumentId)
                    : ChannelDenial(p.Channel);
            case PresenceSubscribeRequest ps: return ChannelDenial(ps.Channel);
            case PresenceRequest pr: return ChannelDenial(pr.Channel);
            default: return null;
        }
    }

    private string? BulkDenial(string collection, BulkSelection documents) =>
        documents.Ids.Select(id => ReadDenial(collection, id)).FirstOrDefault(d => d is not null);

    private string? ReadDenial(string collection, string id) =>
        _access.CanRead(new DocumentId(collection, id)) ? null : $"No read access to {collection}/{id}.";

    private string? ChannelDenial(string channel) =>
        _access.CanReadChannel(channel) ? null : $"No read access to presence channel {channel}.";

    // ---- requests to documents ----

    /// <summary>
    /// Sends a document the command for a client request, under a fresh request id its reply will carry, and keeps
    /// the request pending until that reply (or the reply timeout). Not Akka's Forward: the document answers the
    /// connection, not the client's original sender.
    /// </summary>
    private void RequestFromDocument(ClientMessage request, DocumentId document, Func<DocumentId, long, DocumentCommands.IDocumentRequest> command,
        BulkProgress? bulk = null)
    {
        long requestId = ++_nextRequestId;
        DocumentCommands.IDocumentRequest sent = command(document, requestId);
        (_pending ??= new())[requestId] = new PendingRequest(request, sent, bulk, System.Diagnostics.Stopwatch.GetTimestamp());
        _effects.Add(new ConnectionEffect.ToDocument(sent));
        if (_repliesDueArmed) return;
        _repliesDueArmed = true;
        _effects.Add(new ConnectionEffect.StartTimer(RepliesDueTimer, SessionTimers.RepliesDue.Instance, _settings.DocumentReplyTimeout));
    }

    /// <summary>
    /// Checks the oldest unanswered document request: past <see cref="ConnectionSettings.DocumentReplyTimeout"/> it
    /// was lost (sent to a node that died before the cluster knew), and the client is asked to reconnect and resend.
    /// </summary>
    public IReadOnlyList<ConnectionEffect> RepliesDue()
    {
        _effects.Clear();
        _repliesDueArmed = false;
        if (_pending is null || _pending.Count == 0) return _effects;
        long oldest = _pending.Values.Min(p => p.SentAt);
        TimeSpan waited = System.Diagnostics.Stopwatch.GetElapsedTime(oldest);
        if (waited >= _settings.DocumentReplyTimeout)
        {
            PendingRequest stuck = _pending.Values.First(p => p.SentAt == oldest);
            _effects.Add(new ConnectionEffect.Close(DocumentMovedStatus, $"No answer from document {stuck.Document} for {waited.TotalSeconds:0} s; reconnect."));
            return _effects;
        }
        _repliesDueArmed = true;
        _effects.Add(new ConnectionEffect.StartTimer(RepliesDueTimer, SessionTimers.RepliesDue.Instance, _settings.DocumentReplyTimeout - waited));
        return _effects;
    }

    private void Subscribe(ClientMessage request, DocumentId document, long? version, BulkProgress? bulk)
    {
        DocumentView view = ViewOf(document);
        if (!view.WantsSubscription)
        {
            if (_subscriptions >= _settings.MaxSubscriptions)
            {
                var error = new ProtocolError(ProtocolErrorCodes.TooManySubscriptions,
                    $"A connection may hold at most {_settings.MaxSubscriptions} document subscriptions.");
                if (bulk is null) Reply(new ErrorReply(request.Echo(), error));
                else RecordBulk(bulk, document, BulkItemResult.Failed(error));
                return;
            }
            view.WantsSubscription = true;
            _subscriptions++;
        }
        RequestFromDocument(request, document, (doc, id) => new DocumentCommands.Subscribe(doc, id, _connection, version), bulk);
    }

    private void Unsubscribe(DocumentId document)
    {
        if (!TryGetView(document, out DocumentView? view) || !view.WantsSubscription) return;
        view.WantsSubscription = false;
        _subscriptions--;
        // A document a live query's results hold stays subscribed: the query still needs its ops.
        if (view.Held) return;
        view.Subscribed = false;
        _effects.Add(new ConnectionEffect.ToDocument(new DocumentCommands.Unsubscribe(document, _connection)));
    }

    private void StartBulk(ClientMessage request, string collection, BulkSelection documents, bool subscribe)
    {
        var bulk = new BulkProgress(request, collection, documents);
        if (documents.Ids.Count == 0)
        {
            ReplyPart(bulk);
            return;
        }
        ServeNextParts(bulk, subscribe);
    }

    /// <summary>Asks the documents of the next part; a part answered at once (every document refused) is replied to and followed here.</summary>
    private void ServeNextParts(BulkProgress bulk, bool subscribe)
    {
        while (bulk.NextPart(_settings.BulkPartDocuments) is { } part)
        {
            bulk.Starting = true;
            foreach (string id in part.Ids)
            {
                var document = new DocumentId(bulk.Collection, id);
                long? version = part.VersionOf(id);
                if (subscribe) Subscribe(bulk.Request, document, version, bulk);
                else RequestFromDocument(bulk.Request, document, (doc, rid) => new DocumentCommands.Fetch(doc, rid, _connection, version), bulk);
            }
            bulk.Starting = false;
            if (!bulk.PartComplete) return;
            ReplyPart(bulk);
        }
    }

    private void RecordBulk(BulkProgress bulk, DocumentId document, BulkItemResult result)
    {
        bulk.Results[document.Id] = result;
        if (!bulk.PartComplete || bulk.Starting) return;
        ReplyPart(bulk);
        ServeNextParts(bulk, bulk.Request is BulkSubscribeRequest);
    }

    private void ReplyPart(BulkProgress bulk)
    {
        BulkSelection part = bulk.Part;
        // With versions the ops were sent already and the reply echoes b; with ids it carries the snapshots.
        bool withSnapshots = part.Versions is null;
        // A reply by versions has no per-document results, so a document that failed would pass for subscribed.
        // As ShareDB's agent does, the request (here: the part) fails as a whole (the client gives the error to every
        // document in b) and none of its documents stays subscribed.
        if (!withSnapshots && bulk.Results.Values.FirstOrDefault(r => r.Error is not null) is { Error: { } error })
        {
            if (bulk.Request is BulkSubscribeRequest)
            {
                foreach (string id in part.Ids) Unsubscribe(new DocumentId(bulk.Collection, id));
            }
            Reply(new ErrorReply(bulk.Request.Echo() with { Bulk = part }, error));
            return;
        }
        Reply(new BulkReply(bulk.Request.Action, bulk.Collection, withSnapshots ? bulk.Results : null,
            withSnapshots ? null : part));
    }

    // ---- replies from documents ----

    private PendingRequest? TakePending(long requestId) =>
        _pending is not null && _pending.Remove(requestId, out PendingRequest? pending) ? pending : null;

    public IReadOnlyList<ConnectionEffect> Fetched(DocumentReplies.Fetched fetched)
    {
        _effects.Clear();
        if (TakePending(fetched.RequestId) is not { } pending) return _effects;
        DocumentView view = ViewOf(fetched.Document);
        bool subscribe = pending.Request is SubscribeRequest or BulkSubscribeRequest;
        if (subscribe) view.Subscribed = view.Held;
        if (view.Subscribed) _effects.Add(new ConnectionEffect.WatchDocumentSender(fetched.Document));
        foreach (CommittedOp op in fetched.Ops) Deliver(fetched.Document, view, op, frame: null);
        if (fetched.Snapshot is { } snapshot) view.NextVersion = snapshot.Version;

        if (pending.Resubscription || pending.ForQuery) return _effects;
        if (pending.Bulk is { } bulk)
        {
            RecordBulk(bulk, fetched.Document, fetched.Snapshot is { } s ? BulkItemResult.Of(s) : BulkItemResult.Of(new WireSnapshot(view.NextVersion ?? 0, null, null)));
            return _effects;
        }
        DocumentId d = fetched.Document;
        Reply(subscribe ? new SubscribeReply(d.Collection, d.Id, fetched.Snapshot) : new FetchReply(d.Collection, d.Id, fetched.Snapshot));
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> Acknowledged(DocumentReplies.Acknowledged ack)
    {
        _effects.Clear();
        if (TakePending(ack.RequestId) is not { } pending) return _effects;
        CollabMetrics.OpAcknowledged(pending.SentAt);
        _effects.Add(new ConnectionEffect.WatchDocumentSender(ack.Document));
        DocumentView view = ViewOf(ack.Document);
        foreach (CommittedOp op in ack.Missed) Deliver(ack.Document, view, op, frame: null);
        // After a reconnect the op itself may have reached the client already (catch-up ops on subscribe): the
        // client took that as its ack, so a second one would confuse it.
        if (view.NextVersion is { } next && ack.Version < next) return _effects;
        view.NextVersion = ack.Version + 1;
        Reply(new OpAck(ack.Document.Collection, ack.Document.Id, ack.Src, ack.Seq, ack.Version));
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> Rejected(DocumentReplies.Rejected rejected)
    {
        _effects.Clear();
        if (TakePending(rejected.RequestId) is not { } pending) return _effects;
        CollabMetrics.MessageRejected(rejected.Error.Code);
        if (pending.ForQuery)
        {
            // The client asked for the query, not this document: it keeps the snapshot it was sent, without ops.
            _log.Warning("Connection {0}: document {1} of a subscribe query refused its subscription: {2}", Src, rejected.Document, rejected.Error.Message);
            return _effects;
        }
        if (pending.Request is SubscribeRequest or BulkSubscribeRequest
            && TryGetView(rejected.Document, out DocumentView? view) && !view.Subscribed && view.WantsSubscription)
        {
            view.WantsSubscription = false;
            _subscriptions--;
        }
        if (pending.Bulk is { } bulk) RecordBulk(bulk, rejected.Document, BulkItemResult.Failed(rejected.Error));
        else Reply(new ErrorReply(pending.Request.Echo(), rejected.Error));
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> SnapshotAt(DocumentReplies.SnapshotAt reply)
    {
        _effects.Clear();
        if (TakePending(reply.RequestId) is not { } pending) return _effects;
        long requestId = pending.Request switch
        {
            SnapshotAtVersionRequest nf => nf.RequestId,
            SnapshotAtTimeRequest nt => nt.RequestId,
            _ => 0,
        };
        Reply(new SnapshotReply(pending.Request.Action, requestId, reply.Snapshot));
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> OpPublished(DocumentReplies.OpPublished published)
    {
        _effects.Clear();
        if (TryGetView(published.Document, out DocumentView? view) && view.Subscribed)
            Deliver(published.Document, view, published.Op, published.Frame);
        return _effects;
    }

    /// <summary>Sends an op unless the client already has it, so catch-up and pushes never overlap.</summary>
    private void Deliver(DocumentId document, DocumentView view, CommittedOp op, PreparedMessage? frame)
    {
        if (view.NextVersion is { } next && op.Version < next) return;
        view.NextVersion = op.Version + 1;
        if (frame is not null) _effects.Add(new ConnectionEffect.Push(frame));
        else Reply(op.ToMessage(document));
    }

    // ---- documents that move ----

    /// <summary>
    /// A request went to dead letters (<see cref="DocumentRequestUndelivered"/>): the document never saw it, so it is
    /// sent again, under the same request id, after <see cref="ConnectionSettings.UndeliveredRetryDelay"/> — time for
    /// the cluster to move the document's shard off a dead node. Until then a retry may be dead-lettered again and
    /// comes back here; the reply timeout still bounds the whole wait.
    /// </summary>
    public IReadOnlyList<ConnectionEffect> Undelivered(DocumentRequestUndelivered undelivered)
    {
        _effects.Clear();
        if (_pending is null || !_pending.ContainsKey(undelivered.RequestId)) return _effects;
        _effects.Add(new ConnectionEffect.StartTimer(("retry", undelivered.RequestId),
            new SessionTimers.RetryDue(undelivered.RequestId), _settings.UndeliveredRetryDelay));
        return _effects;
    }

    /// <summary>
    /// A cluster member was removed (<see cref="Connections.NodeRemoved"/>): every request still unanswered is sent again
    /// under its request id, since it may have been lost on its way to a document that lived there without a dead letter
    /// to say so. A document that had it already answers twice, and the second answer finds nothing pending; the
    /// reply timeout still counts from the first send.
    /// </summary>
    public IReadOnlyList<ConnectionEffect> NodeRemoved()
    {
        _effects.Clear();
        if (_pending is null) return _effects;
        foreach (PendingRequest pending in _pending.Values) _effects.Add(new ConnectionEffect.ToDocument(pending.Command));
        return _effects;
    }

    /// <summary>Sends an undelivered request again, unless it was answered meanwhile.</summary>
    public IReadOnlyList<ConnectionEffect> RetryDue(SessionTimers.RetryDue due)
    {
        _effects.Clear();
        if (_pending is not null && _pending.TryGetValue(due.RequestId, out PendingRequest? pending)) _effects.Add(new ConnectionEffect.ToDocument(pending.Command));
        return _effects;
    }

    /// <summary>
    /// A document incarnation this connection watched (<see cref="ConnectionEffect.WatchDocumentSender"/>) has ended:
    /// its node crashed and was downed, or left and handed it off. Its next incarnation (on another node) knows nothing
    /// of this connection's subscription, and a request sent to the old one may be lost. With a request outstanding the
    /// client is asked to reconnect (1012, service restart): it resubscribes from the versions it has and resends its
    /// unacknowledged op with the same src and seq, which the document acknowledges without applying it twice if it
    /// was already committed. Otherwise the connection renews the subscription itself.
    /// </summary>
    public IReadOnlyList<ConnectionEffect> DocumentEnded(DocumentId document)
    {
        _effects.Clear();
        // A request the old incarnation never answered may be lost (an op among them): only the client can resend
        // it, with the same src and seq.
        if (_pending is not null && _pending.Values.Any(p => p.Document == document && !p.Resubscription))
        {
            _effects.Add(new ConnectionEffect.Close(DocumentMovedStatus, $"Document {document} moved to another node; reconnect."));
            return _effects;
        }
        // Nothing outstanding: a crashed node could not say SubscriptionLost, so renew the subscription here (after a
        // hand-off the document said it, and the renewal is already under way).
        if (TryGetView(document, out DocumentView? view) && view.Subscribed)
        {
            view.Subscribed = false;
            Resubscribe(document, view, attempt: 1);
        }
        return _effects;
    }

    /// <summary>The document's subscriber list is gone (hand-off, restart): subscribe again from where the client is.</summary>
    public IReadOnlyList<ConnectionEffect> SubscriptionLost(DocumentReplies.SubscriptionLost lost)
    {
        _effects.Clear();
        if (!TryGetView(lost.Document, out DocumentView? view) || !view.Subscribed) return _effects;
        view.Subscribed = false;
        Resubscribe(lost.Document, view, attempt: 1);
        return _effects;
    }

    private void Resubscribe(DocumentId document, DocumentView view, int attempt)
    {
        long requestId = ++_nextRequestId;
        var request = new SubscribeRequest(document.Collection, document.Id, view.NextVersion);
        var subscribe = new DocumentCommands.Subscribe(document, requestId, _connection, view.NextVersion);
        (_pending ??= new())[requestId] = new PendingRequest(request, subscribe, Resubscription: true);
        _effects.Add(new ConnectionEffect.ToDocument(subscribe));
        // A message can reach a stopping incarnation and be lost; if no answer comes, ask again.
        _effects.Add(new ConnectionEffect.StartTimer(("resubscribe", document),
            new SessionTimers.ResubscribeCheck(document, requestId, attempt), ResubscribeTimeout));
    }

    public IReadOnlyList<ConnectionEffect> ResubscribeCheck(SessionTimers.ResubscribeCheck check)
    {
        _effects.Clear();
        if (TakePending(check.RequestId) is null) return _effects; // answered
        if (!TryGetView(check.Document, out DocumentView? view) || !view.Held) return _effects;
        if (check.Attempt < MaxResubscribeAttempts)
        {
            Resubscribe(check.Document, view, check.Attempt + 1);
            return _effects;
        }
        _log.Warning("Connection {0} could not subscribe again to {1}; the client must resubscribe", Src, check.Document);
        if (!view.WantsSubscription) return _effects; // held by a query only: nothing the client asked for to fail
        view.WantsSubscription = false;
        _subscriptions--;
        Reply(new ErrorReply(new SubscribeRequest(check.Document.Collection, check.Document.Id, view.NextVersion).Echo(),
            new ProtocolError(ProtocolErrorCodes.DocumentUnavailable, $"Document {check.Document} did not answer a subscription renewal.")));
        return _effects;
    }

    // ---- presence from channels ----

    public IReadOnlyList<ConnectionEffect> PresencePublished(PresenceReplies.Published published)
    {
        _effects.Clear();
        Presence.Published(published, _effects);
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> PresenceRequested(PresenceReplies.Requested requested)
    {
        _effects.Clear();
        PresenceRelay.Requested(requested, _effects);
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> PresenceSubscribed(PresenceReplies.Subscribed subscribed)
    {
        _effects.Clear();
        Presence.Subscribed(subscribed, _effects);
        return _effects;
    }

    /// <summary>A presence channel incarnation this connection watched (<see cref="ConnectionEffect.WatchChannelSender"/>) has ended.</summary>
    public IReadOnlyList<ConnectionEffect> PresenceChannelEnded(string channel)
    {
        _effects.Clear();
        Presence.ChannelEnded(channel, Src, _effects);
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> PresenceDue(SessionTimers.PresenceDue due, long nowMs)
    {
        _effects.Clear();
        Presence.Due(due, nowMs, _effects);
        return _effects;
    }

    public IReadOnlyList<ConnectionEffect> PresenceWindowEnded()
    {
        _effects.Clear();
        Presence.WindowEnded(_effects);
        return _effects;
    }

    /// <summary>
    /// The connection has ended, however it ended: every document subscription and subscribe query is released, the
    /// others see this client's cursors go, and every presence subscription is released.
    /// </summary>
    public IReadOnlyList<ConnectionEffect> Stop()
    {
        _effects.Clear();
        if (_documents is not null)
        {
            foreach ((DocumentId document, DocumentView view) in _documents)
            {
                if (view.Subscribed) _effects.Add(new ConnectionEffect.ToDocument(new DocumentCommands.Unsubscribe(document, _connection)));
            }
        }
        if (_liveQueries is not null)
        {
            foreach (LiveQuery live in _liveQueries.Values) _effects.Add(new ConnectionEffect.StopLiveQuery(live.Token));
            _liveQueries.Clear();
        }
        _presence?.Stop(_effects);
        return _effects;
    }

    private void Reply(ServerMessage message) => _effects.Add(new ConnectionEffect.Reply(message));

    private DocumentView ViewOf(DocumentId document)
    {
        if (!TryGetView(document, out DocumentView? view))
            (_documents ??= new())[document] = view = new DocumentView();
        return view;
    }

    private bool TryGetView(DocumentId document, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DocumentView? view)
    {
        view = null;
        return _documents is not null && _documents.TryGetValue(document, out view);
    }
}
