using System.Net.WebSockets;

using Akka.Event;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabActors.Security;

namespace CollabActors.Connections;

// The session half of the connection (ShareDB's agent.js): one method per action, and the replies from documents.
public sealed partial class ConnectionActor
{
    /// <summary>How long a subscription renewal may go unanswered before it is sent again, and how many times.</summary>
    private static readonly TimeSpan ResubscribeTimeout = TimeSpan.FromSeconds(2);
    private const int MaxResubscribeAttempts = 15;

    /// <summary>Longest client id a handshake may carry; ids are echoed as the src of every op.</summary>
    private const int MaxClientIdLength = 128;

    private void Handle(ClientMessage message)
    {
        // One frame must not start thousands of document actors.
        if (message is BulkFetchRequest { Documents.Ids.Count: var fetches } && fetches > _settings.MaxBulkDocuments
            || message is BulkSubscribeRequest { Documents.Ids.Count: var subscribes } && subscribes > _settings.MaxBulkDocuments)
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.BulkTooLarge);
            Send(ErrorReply.To(message, ProtocolErrorCodes.BulkTooLarge,
                $"A bulk request may name at most {_settings.MaxBulkDocuments} documents."));
            return;
        }
        if (Denial(message) is { } denial)
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.AccessDenied);
            Send(ErrorReply.To(message, ProtocolErrorCodes.AccessDenied, denial));
            return;
        }
        switch (message)
        {
            case UnreadableMessage unreadable:
                CollabMetrics.MessageRejected(unreadable.Error.Code);
                Send(new ErrorReply(unreadable.Request, unreadable.Error));
                break;
            case HandshakeRequest hs:
                // Only an id issued to this subject may be resumed (see ClientIdIssuer); otherwise the new id stands.
                if (hs.PreviousClientId is { Length: > 0 and <= MaxClientIdLength } previous && _access.ClientIds.MayResume(previous))
                    _src = previous;
                Send(HandshakeReply.Handshake(_src));
                break;
            case PingRequest:
                Send(PongReply.Instance);
                break;
            case FetchRequest f:
                Forward(f, new DocumentId(f.Collection, f.DocumentId),
                    (doc, id) => new DocumentCommands.Fetch(doc, id, Self, f.Version));
                break;
            case SubscribeRequest s:
                Subscribe(s, new DocumentId(s.Collection, s.DocumentId), s.Version, bulk: null);
                break;
            case UnsubscribeRequest u:
                Unsubscribe(new DocumentId(u.Collection, u.DocumentId));
                Send(new UnsubscribeReply(u.Collection, u.DocumentId));
                break;
            case SubmitRequest op:
                Forward(op, new DocumentId(op.Collection, op.DocumentId),
                    (doc, id) => new DocumentCommands.Submit(doc, id, Self, _src, op.Seq, op.Version, op.Change));
                break;
            case BulkFetchRequest bf:
                StartBulk(bf, bf.Collection, bf.Documents, subscribe: false);
                break;
            case BulkSubscribeRequest bs:
                StartBulk(bs, bs.Collection, bs.Documents, subscribe: true);
                break;
            case BulkUnsubscribeRequest bu:
                foreach (string id in bu.Documents.Ids) Unsubscribe(new DocumentId(bu.Collection, id));
                Send(new BulkReply(MessageActions.BulkUnsubscribe, bu.Collection, null, bu.Documents));
                break;
            case SnapshotAtVersionRequest nf:
                Forward(nf, new DocumentId(nf.Collection, nf.DocumentId),
                    (doc, id) => new DocumentCommands.FetchSnapshotAtVersion(doc, id, Self, nf.Version));
                break;
            case SnapshotAtTimeRequest nt:
                Forward(nt, new DocumentId(nt.Collection, nt.DocumentId),
                    (doc, id) => new DocumentCommands.FetchSnapshotAtTime(doc, id, Self, nt.TimestampMs));
                break;
            case PresenceUpdate p:
                PublishPresence(p);
                break;
            case PresenceSubscribeRequest ps:
                if (_presenceSeq.TryGetValue(ps.Channel, out long seenSeq) && ps.Seq < seenSeq) break;
                bool fresh = _presenceSeq.TryAdd(ps.Channel, ps.Seq);
                _presenceSeq[ps.Channel] = ps.Seq;
                if (fresh)
                {
                    _presence.Tell(new PresenceCommands.Subscribe(ps.Channel, Self, _src));
                    _presence.Tell(new PresenceCommands.Request(ps.Channel, Self, _src));
                }
                Send(new PresenceSubscriptionReply(MessageActions.PresenceSubscribe, ps.Channel, ps.Seq));
                break;
            case PresenceUnsubscribeRequest pu:
                if (_presenceSeq.Remove(pu.Channel))
                {
                    _presence.Tell(new PresenceCommands.Unsubscribe(pu.Channel, Self));
                    ForgetPresenceChannel(pu.Channel);
                }
                Send(new PresenceSubscriptionReply(MessageActions.PresenceUnsubscribe, pu.Channel, pu.Seq));
                break;
            case PresenceRequest pr:
                _presence.Tell(new PresenceCommands.Request(pr.Channel, Self, _src));
                Send(new PresenceRequestMessage(null));
                break;
            case QueryRequest q:
                Send(ErrorReply.To(q, ProtocolErrorCodes.QueriesNotSupported,
                    "Queries are not supported: this server keeps documents, not a queryable database."));
                break;
            default:
                Send(ErrorReply.To(message, ProtocolErrorCodes.MessageBadlyFormed, $"Unsupported action '{message.Action}'."));
                break;
        }
    }

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
                if (op.Src is not null && op.Src != _src) return $"An op may only carry this connection's src '{_src}'.";
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

    private void Forward(ClientMessage request, DocumentId document, Func<DocumentId, long, IWithDocumentId> command,
        BulkProgress? bulk = null)
    {
        long requestId = ++_nextRequestId;
        _pending[requestId] = new PendingRequest(request, document, bulk, System.Diagnostics.Stopwatch.GetTimestamp());
        _documents.Tell(command(document, requestId));
        if (!Timers.IsTimerActive(RepliesDueTimer)) Timers.StartSingleTimer(RepliesDueTimer, RepliesDue.Instance, _settings.DocumentReplyTimeout);
    }

    private const string RepliesDueTimer = "replies-due";

    /// <summary>
    /// Checks the oldest unanswered document request: past <see cref="ConnectionSettings.DocumentReplyTimeout"/> it
    /// was lost (sent to a node that died before the cluster knew), and the client is asked to reconnect and resend.
    /// </summary>
    private void OnRepliesDue()
    {
        if (_pending.Count == 0 || _closing) return;
        long oldest = _pending.Values.Min(p => p.SentAt);
        TimeSpan waited = System.Diagnostics.Stopwatch.GetElapsedTime(oldest);
        if (waited >= _settings.DocumentReplyTimeout)
        {
            PendingRequest stuck = _pending.Values.First(p => p.SentAt == oldest);
            Close(DocumentMovedStatus, $"No answer from document {stuck.Document} for {waited.TotalSeconds:0} s; reconnect.");
            return;
        }
        Timers.StartSingleTimer(RepliesDueTimer, RepliesDue.Instance, _settings.DocumentReplyTimeout - waited);
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
                if (bulk is null) Send(new ErrorReply(request.Echo(), error));
                else RecordBulk(bulk, document, BulkItemResult.Failed(error));
                return;
            }
            view.WantsSubscription = true;
            _subscriptions++;
        }
        Forward(request, document, (doc, id) => new DocumentCommands.Subscribe(doc, id, Self, version), bulk);
    }

    private void Unsubscribe(DocumentId document)
    {
        if (!_documentsSeen.TryGetValue(document, out DocumentView? view) || !view.WantsSubscription) return;
        view.WantsSubscription = false;
        view.Subscribed = false;
        _subscriptions--;
        _documents.Tell(new DocumentCommands.Unsubscribe(document, Self));
    }

    private void StartBulk(ClientMessage request, string collection, BulkSelection documents, bool subscribe)
    {
        var bulk = new BulkProgress(request, collection, documents);
        if (documents.Ids.Count == 0)
        {
            FinishBulk(bulk);
            return;
        }
        foreach (string id in documents.Ids)
        {
            var document = new DocumentId(collection, id);
            long? version = documents.VersionOf(id);
            if (subscribe) Subscribe(request, document, version, bulk);
            else Forward(request, document, (doc, rid) => new DocumentCommands.Fetch(doc, rid, Self, version), bulk);
        }
    }

    private void RecordBulk(BulkProgress bulk, DocumentId document, BulkItemResult result)
    {
        bulk.Results[document.Id] = result;
        if (bulk.Complete) FinishBulk(bulk);
    }

    private void FinishBulk(BulkProgress bulk)
    {
        // With versions the ops were sent already and the reply echoes b; with ids it carries the snapshots.
        bool withSnapshots = bulk.Documents.Versions is null;
        // A reply by versions has no per-document results, so a document that failed would pass for subscribed.
        // As ShareDB's agent does, the request fails as a whole (the client gives the error to every document in
        // b) and none of its documents stays subscribed.
        if (!withSnapshots && bulk.Results.Values.FirstOrDefault(r => r.Error is not null) is { Error: { } error })
        {
            if (bulk.Request is BulkSubscribeRequest)
            {
                foreach (string id in bulk.Documents.Ids) Unsubscribe(new DocumentId(bulk.Collection, id));
            }
            Send(new ErrorReply(bulk.Request.Echo(), error));
            return;
        }
        Send(new BulkReply(bulk.Request.Action, bulk.Collection, withSnapshots ? bulk.Results : null,
            withSnapshots ? null : bulk.Documents));
    }

    private void PublishPresence(PresenceUpdate p)
    {
        var presence = new PresenceMessage(p.Channel, _src, p.PresenceId, WithAuthenticatedName(p.Value), p.PresenceVersion,
            p.Collection, p.DocumentId, p.Version, p.Type);
        var key = (p.Channel, p.PresenceId);
        if (p.Value is null) _ownPresence.Remove(key);
        else _ownPresence[key] = presence;

        if (_presenceThrottle.Offer(presence, Environment.TickCount64, out TimeSpan flushAfter)) ForwardPresence(presence);
        else if (flushAfter != TimeSpan.MinValue)
            Timers.StartSingleTimer(("presence", p.Channel, p.PresenceId), new PresenceDue(p.Channel, p.PresenceId), flushAfter);
        Send(presence);
    }

    /// <summary>
    /// With authentication on, an object presence value carries the token's display name as <c>name</c>, whatever
    /// name the client put there: other editors see who is really typing.
    /// </summary>
    private JsonElement? WithAuthenticatedName(JsonElement? value)
    {
        if (_access.Name is not { } name || value is not { ValueKind: JsonValueKind.Object } element) return value;
        JsonObject stamped = JsonObject.Create(element)!;
        stamped["name"] = name;
        return JsonSerializer.SerializeToElement(stamped);
    }

    private void ForwardHeldPresence(string channel, string presenceId)
    {
        if (_presenceThrottle.TakeDue(channel, presenceId, Environment.TickCount64) is { } held) ForwardPresence(held);
    }

    private void ForwardPresence(PresenceMessage presence)
    {
        if (presence.Collection is not null && presence.DocumentId is not null)
            _documents.Tell(new DocumentCommands.PublishPresence(new DocumentId(presence.Collection, presence.DocumentId), Self, presence));
        else
            _presence.Tell(new PresenceCommands.Publish(presence.Channel, Self, presence));
    }

    /// <summary>One editor's presence on one channel: a newer update replaces an unsent older one.</summary>
    private static string? PresenceKey(ServerMessage message) =>
        message is PresenceMessage p ? p.Channel + "\n" + p.Src + "\n" + p.PresenceId : null;

    // ---- replies from documents ----

    private PendingRequest? TakePending(long requestId) =>
        _pending.Remove(requestId, out PendingRequest? pending) ? pending : null;

    private void OnFetched(DocumentReplies.Fetched fetched)
    {
        if (TakePending(fetched.RequestId) is not { } pending) return;
        DocumentView view = ViewOf(fetched.Document);
        bool subscribe = pending.Request is SubscribeRequest or BulkSubscribeRequest;
        if (subscribe) view.Subscribed = view.WantsSubscription;
        if (view.Subscribed) WatchDocument(fetched.Document);
        foreach (CommittedOp op in fetched.Ops) Deliver(fetched.Document, view, op, frame: null);
        if (fetched.Snapshot is { } snapshot) view.NextVersion = snapshot.Version;

        if (pending.Resubscription) return;
        if (pending.Bulk is { } bulk)
        {
            RecordBulk(bulk, fetched.Document, fetched.Snapshot is { } s ? BulkItemResult.Of(s) : BulkItemResult.Of(new WireSnapshot(view.NextVersion ?? 0, null, null)));
            return;
        }
        DocumentId d = fetched.Document;
        Send(subscribe ? new SubscribeReply(d.Collection, d.Id, fetched.Snapshot) : new FetchReply(d.Collection, d.Id, fetched.Snapshot));
    }

    private void OnAcknowledged(DocumentReplies.Acknowledged ack)
    {
        if (TakePending(ack.RequestId) is not { } pending) return;
        CollabMetrics.OpAcknowledged(pending.SentAt);
        WatchDocument(ack.Document);
        DocumentView view = ViewOf(ack.Document);
        foreach (CommittedOp op in ack.Missed) Deliver(ack.Document, view, op, frame: null);
        // After a reconnect the op itself may have reached the client already (catch-up ops on subscribe): the
        // client took that as its ack, so a second one would confuse it.
        if (view.NextVersion is { } next && ack.Version < next) return;
        view.NextVersion = ack.Version + 1;
        Send(new OpAck(ack.Document.Collection, ack.Document.Id, ack.Src, ack.Seq, ack.Version));
    }

    private void OnRejected(DocumentReplies.Rejected rejected)
    {
        if (TakePending(rejected.RequestId) is not { } pending) return;
        CollabMetrics.MessageRejected(rejected.Error.Code);
        if (pending.Request is SubscribeRequest or BulkSubscribeRequest
            && _documentsSeen.TryGetValue(rejected.Document, out DocumentView? view) && !view.Subscribed && view.WantsSubscription)
        {
            view.WantsSubscription = false;
            _subscriptions--;
        }
        if (pending.Bulk is { } bulk) RecordBulk(bulk, rejected.Document, BulkItemResult.Failed(rejected.Error));
        else Send(new ErrorReply(pending.Request.Echo(), rejected.Error));
    }

    private void OnSnapshotAt(DocumentReplies.SnapshotAt reply)
    {
        if (TakePending(reply.RequestId) is not { } pending) return;
        long requestId = pending.Request switch
        {
            SnapshotAtVersionRequest nf => nf.RequestId,
            SnapshotAtTimeRequest nt => nt.RequestId,
            _ => 0,
        };
        Send(new SnapshotReply(pending.Request.Action, requestId, reply.Snapshot));
    }

    /// <summary>
    /// Watches the presence channel that just took this connection on (the sender): that incarnation holds the
    /// subscription. A channel lives on one node; if the node crashes, or leaves and hands the channel's shard to
    /// another, its next incarnation starts with no subscribers, and without this the client would see no cursor on
    /// the channel again until it reconnected.
    /// </summary>
    private void OnPresenceSubscribed(PresenceReplies.Subscribed subscribed)
    {
        if (Sender.IsNobody() || !_presenceSeq.ContainsKey(subscribed.Channel) || _presenceChannels.ContainsKey(Sender)) return;
        _presenceChannels[Sender] = subscribed.Channel;
        Context.Watch(Sender);
    }

    /// <summary>
    /// A presence channel this connection watched has ended. If the client is still subscribed, the subscription is
    /// renewed with the next incarnation, and everyone's presence requested again (as on a first subscribe), so the
    /// cursors come back. False if the actor was not a presence channel.
    /// </summary>
    private bool OnPresenceChannelTerminated(IActorRef channelActor)
    {
        if (!_presenceChannels.Remove(channelActor, out string? channel)) return false;
        if (_presenceSeq.ContainsKey(channel))
        {
            _presence.Tell(new PresenceCommands.Subscribe(channel, Self, _src));
            _presence.Tell(new PresenceCommands.Request(channel, Self, _src));
        }
        return true;
    }

    private void ForgetPresenceChannel(string channel)
    {
        foreach ((IActorRef actor, string watched) in _presenceChannels.ToArray())
        {
            if (watched != channel) continue;
            _presenceChannels.Remove(actor);
            Context.Unwatch(actor);
        }
    }

    /// <summary>
    /// Watches the document actor that just answered (the sender). Its incarnation holds this connection's
    /// subscription and receives its ops; when it ends while the connection still needs it, the connection is closed
    /// (<see cref="OnDocumentTerminated"/>).
    /// </summary>
    private void WatchDocument(DocumentId document)
    {
        if (Sender.IsNobody() || _documentActors.ContainsKey(Sender)) return;
        _documentActors[Sender] = document;
        Context.Watch(Sender);
    }

    /// <summary>
    /// A document this connection is subscribed to, or waits on, has ended: its node crashed and was downed, or left
    /// and handed it off. Its next incarnation (on another node) knows nothing of this connection's subscription, and
    /// a request sent to the old one may be lost. With a request outstanding the client is asked to reconnect (1012,
    /// service restart): it resubscribes from the versions it has and resends its unacknowledged op with the same src
    /// and seq, which the document acknowledges without applying it twice if it was already committed. Otherwise the
    /// connection renews the subscription itself.
    /// </summary>
    private void OnDocumentTerminated(Terminated terminated)
    {
        if (!_documentActors.Remove(terminated.ActorRef, out DocumentId? document)) return;
        // A request the old incarnation never answered may be lost (an op among them): only the client can resend
        // it, with the same src and seq.
        if (_pending.Values.Any(p => p.Document == document && !p.Resubscription))
        {
            Close(DocumentMovedStatus, $"Document {document} moved to another node; reconnect.");
            return;
        }
        // Nothing outstanding: a crashed node could not say SubscriptionLost, so renew the subscription here (after a
        // hand-off the document said it, and the renewal is already under way).
        if (_documentsSeen.TryGetValue(document, out DocumentView? view) && view.Subscribed)
        {
            view.Subscribed = false;
            Resubscribe(document, view, attempt: 1);
        }
    }

    /// <summary>1012 "service restart": the client should reconnect (to this node or another).</summary>
    private const WebSocketCloseStatus DocumentMovedStatus = (WebSocketCloseStatus)1012;

    /// <summary>The document's subscriber list is gone (hand-off, restart): subscribe again from where the client is.</summary>
    private void OnSubscriptionLost(DocumentReplies.SubscriptionLost lost)
    {
        if (!_documentsSeen.TryGetValue(lost.Document, out DocumentView? view) || !view.Subscribed) return;
        view.Subscribed = false;
        Resubscribe(lost.Document, view, attempt: 1);
    }

    private void Resubscribe(DocumentId document, DocumentView view, int attempt)
    {
        long requestId = ++_nextRequestId;
        var request = new SubscribeRequest(document.Collection, document.Id, view.NextVersion);
        _pending[requestId] = new PendingRequest(request, document, Resubscription: true);
        _documents.Tell(new DocumentCommands.Subscribe(document, requestId, Self, view.NextVersion));
        // A message can reach a stopping incarnation and be lost; if no answer comes, ask again.
        Timers.StartSingleTimer(("resubscribe", document), new ResubscribeCheck(document, requestId, attempt), ResubscribeTimeout);
    }

    private void OnResubscribeCheck(ResubscribeCheck check)
    {
        if (TakePending(check.RequestId) is null) return; // answered
        if (!_documentsSeen.TryGetValue(check.Document, out DocumentView? view) || !view.WantsSubscription) return;
        if (check.Attempt < MaxResubscribeAttempts)
        {
            Resubscribe(check.Document, view, check.Attempt + 1);
            return;
        }
        _log.Warning("Connection {0} could not subscribe again to {1}; the client must resubscribe", _src, check.Document);
        view.WantsSubscription = false;
        _subscriptions--;
        Send(new ErrorReply(new SubscribeRequest(check.Document.Collection, check.Document.Id, view.NextVersion).Echo(),
            new ProtocolError(ProtocolErrorCodes.DocumentUnavailable, $"Document {check.Document} did not answer a subscription renewal.")));
    }

    private void OnOpPublished(DocumentReplies.OpPublished published)
    {
        if (!_documentsSeen.TryGetValue(published.Document, out DocumentView? view) || !view.Subscribed) return;
        Deliver(published.Document, view, published.Op, published.Frame);
    }

    /// <summary>Sends an op unless the client already has it, so catch-up and pushes never overlap.</summary>
    private void Deliver(DocumentId document, DocumentView view, CommittedOp op, PreparedMessage? frame)
    {
        if (view.NextVersion is { } next && op.Version < next) return;
        view.NextVersion = op.Version + 1;
        if (frame is not null) Send(frame);
        else Send(op.ToMessage(document));
    }

    private DocumentView ViewOf(DocumentId document)
    {
        if (!_documentsSeen.TryGetValue(document, out DocumentView? view))
            _documentsSeen[document] = view = new DocumentView();
        return view;
    }
}
