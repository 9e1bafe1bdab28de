using System.Net.WebSockets;
using Akka.Actor;
using Akka.Event;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabActors.Security;
using CollabText;

namespace CollabActors.Tests.Connections;

/// <summary>
/// The session rules with neither actor nor socket: a decoded message or a document's reply goes in, the effects come
/// out. Replies from a document are built the way a DocumentActor builds them, with the request id the session chose.
/// </summary>
public class ConnectionSessionTests
{
    private static readonly DocumentId Doc = new("docs", "d1");
    private static readonly WireSnapshot Empty = new(0, TextUnicodeType.Uri, "");

    private static ConnectionSession NewSession(ConnectionSettings? settings = null, ConnectionAccess? access = null) =>
        new("client-1", settings ?? ConnectionSettings.Default, access ?? ConnectionAccess.Unrestricted, ActorRefs.Nobody, NoLogger.Instance);

    private static CommittedOp Op(long version, string src = "someone-else") =>
        new(version, src, version + 1, new EditChange(TextOp.InsertAt(0, "x")), 0);

    private static DocumentReplies.OpPublished Published(long version)
    {
        CommittedOp op = Op(version);
        return new DocumentReplies.OpPublished(Doc, op, new PreparedMessage(op.ToMessage(Doc)));
    }

    private static T Command<T>(IReadOnlyList<ConnectionEffect> effects) =>
        effects.OfType<ConnectionEffect.ToDocument>().Select(e => e.Command).OfType<T>().Single();

    private static List<ServerMessage> Replies(IReadOnlyList<ConnectionEffect> effects) =>
        effects.OfType<ConnectionEffect.Reply>().Select(r => r.Message).ToList();

    /// <summary>Subscribes to <see cref="Doc"/> and answers as the document would with <paramref name="snapshot"/>.</summary>
    private static void Subscribed(ConnectionSession session, WireSnapshot snapshot)
    {
        var subscribe = Command<DocumentCommands.Subscribe>(session.Handle(new SubscribeRequest("docs", "d1", null), 0).ToList());
        session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, snapshot, []));
    }

    [Fact]
    public void A_new_session_greets_with_init_and_its_client_id()
    {
        var init = Assert.IsType<HandshakeReply>(Assert.Single(Replies(NewSession().Start())));
        Assert.Equal((MessageActions.Init, "client-1"), (init.Action, init.ClientId));
    }

    [Fact]
    public void Subscribe_then_fetched_reply_sends_the_snapshot()
    {
        ConnectionSession session = NewSession();

        List<ConnectionEffect> sent = session.Handle(new SubscribeRequest("docs", "d1", null), 0).ToList();
        var subscribe = Command<DocumentCommands.Subscribe>(sent);
        Assert.Equal((Doc, (long?)null), (subscribe.Document, subscribe.FromVersion));
        Assert.Empty(Replies(sent)); // nothing for the client until the document answers

        List<ConnectionEffect> answered = session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, Empty, [])).ToList();

        var reply = Assert.IsType<SubscribeReply>(Assert.Single(Replies(answered)));
        Assert.Equal(Empty, reply.Snapshot);
        Assert.Contains(new ConnectionEffect.WatchDocumentSender(Doc), answered);
        Assert.Equal(0, session.PendingRequests);
    }

    [Fact]
    public void Subscribe_from_a_version_sends_the_ops_since_before_the_reply()
    {
        ConnectionSession session = NewSession();
        var subscribe = Command<DocumentCommands.Subscribe>(session.Handle(new SubscribeRequest("docs", "d1", 3), 0).ToList());
        Assert.Equal(3, subscribe.FromVersion);

        List<ServerMessage> replies = Replies(session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, null, [Op(3), Op(4)])));

        Assert.Equal([3L, 4L], replies.OfType<OpMessage>().Select(o => o.Version));
        Assert.IsType<SubscribeReply>(replies[^1]);
    }

    [Fact]
    public void A_catch_up_op_the_client_has_is_not_sent_twice()
    {
        ConnectionSession session = NewSession();
        var subscribe = Command<DocumentCommands.Subscribe>(session.Handle(new SubscribeRequest("docs", "d1", 3), 0).ToList());
        session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, null, [Op(3), Op(4)]));

        Assert.Empty(session.OpPublished(Published(4))); // pushed while the catch-up was on its way
        var push = Assert.IsType<ConnectionEffect.Push>(Assert.Single(session.OpPublished(Published(5))));
        Assert.Equal(5, ((OpMessage)push.Frame.Message).Version);
    }

    [Fact]
    public void Ops_of_a_document_the_client_is_not_subscribed_to_are_not_sent()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        session.Handle(new UnsubscribeRequest("docs", "d1"), 0);

        Assert.Empty(session.OpPublished(Published(0)));
    }

    [Fact]
    public void An_ack_goes_after_the_ops_the_author_missed_and_moves_its_version_on()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        var submit = Command<DocumentCommands.Submit>(
            session.Handle(new SubmitRequest("docs", "d1", 0, null, 1, new EditChange(TextOp.InsertAt(0, "a"))), 0).ToList());
        Assert.Equal(("client-1", 1L, (long?)0), (submit.Src, submit.Seq, submit.Version));

        List<ServerMessage> replies = Replies(session.Acknowledged(
            new DocumentReplies.Acknowledged(Doc, submit.RequestId, "client-1", 1, 1, [Op(0)])));

        Assert.Equal(0, Assert.IsType<OpMessage>(replies[0]).Version);
        Assert.Equal(1, Assert.IsType<OpAck>(replies[1]).Version);
        Assert.Empty(session.OpPublished(Published(1))); // its own op, as committed
    }

    [Fact]
    public void An_ack_for_an_op_the_client_already_got_as_catch_up_is_not_sent()
    {
        ConnectionSession session = NewSession();
        var submit = Command<DocumentCommands.Submit>(
            session.Handle(new SubmitRequest("docs", "d1", 0, null, 1, new EditChange(TextOp.InsertAt(0, "a"))), 0).ToList());
        // After a reconnect the client resubscribed from 0 and got its own op back at version 0 before the ack.
        var subscribe = Command<DocumentCommands.Subscribe>(session.Handle(new SubscribeRequest("docs", "d1", 0), 0).ToList());
        session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, null, [Op(0, "client-1")]));

        Assert.Empty(Replies(session.Acknowledged(new DocumentReplies.Acknowledged(Doc, submit.RequestId, "client-1", 1, 0, []))));
    }

    [Fact]
    public void A_reply_to_no_request_of_this_session_is_ignored()
    {
        ConnectionSession session = NewSession();
        Assert.Empty(session.Fetched(new DocumentReplies.Fetched(Doc, 42, Empty, [])));
        Assert.Empty(session.Acknowledged(new DocumentReplies.Acknowledged(Doc, 42, "client-1", 1, 0, [])));
        Assert.Empty(session.Rejected(new DocumentReplies.Rejected(Doc, 42, new ProtocolError("ERR", "no"))));
    }

    [Fact]
    public void Bulk_reply_waits_for_every_document()
    {
        ConnectionSession session = NewSession();
        List<ConnectionEffect> sent = session.Handle(new BulkFetchRequest("docs", BulkSelection.OfIds(["a", "b", "c"])), 0).ToList();
        var fetches = sent.OfType<ConnectionEffect.ToDocument>().Select(e => (DocumentCommands.Fetch)e.Command).ToList();
        Assert.Equal(["a", "b", "c"], fetches.Select(f => f.Document.Id));

        Assert.Empty(Replies(session.Fetched(new DocumentReplies.Fetched(fetches[0].Document, fetches[0].RequestId, Empty, []))));
        var error = new ProtocolError(ProtocolErrorCodes.DocumentUnavailable, "gone");
        Assert.Empty(Replies(session.Rejected(new DocumentReplies.Rejected(fetches[2].Document, fetches[2].RequestId, error))));
        var reply = Assert.IsType<BulkReply>(Assert.Single(Replies(
            session.Fetched(new DocumentReplies.Fetched(fetches[1].Document, fetches[1].RequestId, Empty with { Version = 7 }, [])))));

        Assert.Equal(MessageActions.BulkFetch, reply.Action);
        Assert.Equal((0L, 7L), (reply.Data!["a"].Snapshot!.Version, reply.Data["b"].Snapshot!.Version));
        Assert.Equal(error, reply.Data["c"].Error);
    }

    [Fact]
    public void An_empty_bulk_request_is_answered_at_once()
    {
        var reply = Assert.IsType<BulkReply>(Assert.Single(NewSession().Handle(
            new BulkSubscribeRequest("docs", BulkSelection.OfIds([])), 0).OfType<ConnectionEffect.Reply>()).Message);
        Assert.Empty(reply.Data!);
    }

    [Fact]
    public void A_bulk_fetch_of_more_than_a_part_asks_one_part_at_a_time_and_answers_each_part_with_its_own_reply()
    {
        ConnectionSession session = NewSession(); // parts of ConnectionSettings.Default.BulkPartDocuments = 1,000
        string[] ids = Enumerable.Range(0, 2_001).Select(i => "d" + i).ToArray();
        var answered = new List<string>();

        List<ConnectionEffect> sent = session.Handle(new BulkFetchRequest("docs", BulkSelection.OfIds(ids)), 0).ToList();
        Assert.Empty(Replies(sent));
        foreach (int partSize in new[] { 1_000, 1_000, 1 })
        {
            var fetches = sent.OfType<ConnectionEffect.ToDocument>().Select(e => (DocumentCommands.Fetch)e.Command).ToList();
            Assert.Equal(ids.Skip(answered.Count).Take(partSize), fetches.Select(f => f.Document.Id));

            // The part's last answer brings its reply and asks the next part.
            for (int i = 0; i < fetches.Count - 1; i++)
            {
                Assert.Empty(session.Fetched(new DocumentReplies.Fetched(fetches[i].Document, fetches[i].RequestId, Empty, []))
                    .OfType<ConnectionEffect.ToDocument>());
            }
            sent = session.Fetched(new DocumentReplies.Fetched(fetches[^1].Document, fetches[^1].RequestId, Empty, [])).ToList();
            var reply = Assert.IsType<BulkReply>(Assert.Single(Replies(sent)));
            Assert.Equal(fetches.Select(f => f.Document.Id).Order(), reply.Data!.Keys.Order());
            answered.AddRange(reply.Data.Keys);
        }

        Assert.Empty(sent.OfType<ConnectionEffect.ToDocument>());
        Assert.Equal(ids.Order(), answered.Order());
        Assert.Equal(0, session.PendingRequests);
    }

    [Fact]
    public void A_bulk_subscribe_by_versions_of_more_than_a_part_echoes_each_parts_versions_and_keeps_every_subscription()
    {
        ConnectionSession session = NewSession(new ConnectionSettings { BulkPartDocuments = 2 });
        var versions = new Dictionary<string, long> { ["a"] = 1, ["b"] = 2, ["c"] = 3 };

        List<ConnectionEffect> sent = session.Handle(new BulkSubscribeRequest("docs", BulkSelection.OfVersions(versions)), 0).ToList();
        var first = sent.OfType<ConnectionEffect.ToDocument>().Select(e => (DocumentCommands.Subscribe)e.Command).ToList();
        Assert.Equal([1L, 2L], first.Select(s => s.FromVersion!.Value));
        session.Fetched(new DocumentReplies.Fetched(first[0].Document, first[0].RequestId, null, []));
        List<ConnectionEffect> firstDone = session.Fetched(new DocumentReplies.Fetched(first[1].Document, first[1].RequestId, null, [])).ToList();

        var firstReply = Assert.IsType<BulkReply>(Assert.Single(Replies(firstDone)));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 1, ["b"] = 2 }, firstReply.Documents!.Versions);
        var last = Command<DocumentCommands.Subscribe>(firstDone);
        Assert.Equal((new DocumentId("docs", "c"), (long?)3), (last.Document, last.FromVersion));

        var lastReply = Assert.IsType<BulkReply>(Assert.Single(Replies(
            session.Fetched(new DocumentReplies.Fetched(last.Document, last.RequestId, null, [])))));
        Assert.Equal(["c"], lastReply.Documents!.Ids);
        Assert.Equal(3, session.Subscriptions);
    }

    [Fact]
    public void A_bulk_subscribe_by_versions_where_one_id_has_a_null_version_subscribes_that_one_from_its_snapshot()
    {
        // {"a":"bs","b":{"a":1,"b":null}}: the reader lists "b" as an id with no version (the fuzzer found this threw).
        var selection = new BulkSelection(["a", "b"], new Dictionary<string, long> { ["a"] = 1 });

        List<ConnectionEffect> sent = NewSession().Handle(new BulkSubscribeRequest("docs", selection), 0).ToList();

        var subscribes = sent.OfType<ConnectionEffect.ToDocument>().Select(e => (DocumentCommands.Subscribe)e.Command).ToList();
        Assert.Equal([("a", (long?)1), ("b", (long?)null)], subscribes.Select(s => (s.Document.Id, s.FromVersion)));
    }

    [Fact]
    public void A_bulk_subscribe_by_versions_with_one_failure_fails_as_a_whole_and_keeps_no_subscription()
    {
        ConnectionSession session = NewSession();
        List<ConnectionEffect> sent = session.Handle(
            new BulkSubscribeRequest("docs", BulkSelection.OfVersions(new Dictionary<string, long> { ["a"] = 1, ["b"] = 2 })), 0).ToList();
        var subscribes = sent.OfType<ConnectionEffect.ToDocument>().Select(e => (DocumentCommands.Subscribe)e.Command).ToList();
        session.Fetched(new DocumentReplies.Fetched(subscribes[0].Document, subscribes[0].RequestId, null, []));

        List<ConnectionEffect> failed = session.Rejected(new DocumentReplies.Rejected(subscribes[1].Document, subscribes[1].RequestId,
            new ProtocolError(ProtocolErrorCodes.DocumentUnavailable, "gone"))).ToList();

        Assert.Equal(MessageActions.BulkSubscribe, Assert.IsType<ErrorReply>(Assert.Single(Replies(failed))).Action);
        Assert.Equal(new DocumentId("docs", "a"), Command<DocumentCommands.Unsubscribe>(failed).Document);
        Assert.Equal(0, session.Subscriptions);
    }

    [Fact]
    public void Subscriptions_past_the_limit_are_refused_and_a_refused_subscribe_frees_its_place()
    {
        ConnectionSession session = NewSession(new ConnectionSettings { MaxSubscriptions = 1 });
        var first = Command<DocumentCommands.Subscribe>(session.Handle(new SubscribeRequest("docs", "a", null), 0).ToList());

        var refused = Assert.IsType<ErrorReply>(Assert.Single(session.Handle(new SubscribeRequest("docs", "b", null), 0)
            .Select(e => Assert.IsType<ConnectionEffect.Reply>(e).Message)));
        Assert.Equal(ProtocolErrorCodes.TooManySubscriptions, refused.Error.Code);

        session.Rejected(new DocumentReplies.Rejected(first.Document, first.RequestId, new ProtocolError("ERR", "no")));
        Assert.Equal(0, session.Subscriptions);
        Assert.Single(session.Handle(new SubscribeRequest("docs", "b", null), 0).OfType<ConnectionEffect.ToDocument>());
    }

    [Fact]
    public void Document_terminated_with_a_pending_op_closes_with_1012()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        session.Handle(new SubmitRequest("docs", "d1", 0, null, 1, new EditChange(TextOp.InsertAt(0, "a"))), 0);

        var close = Assert.IsType<ConnectionEffect.Close>(Assert.Single(session.DocumentEnded(Doc)));
        Assert.Equal(ConnectionSession.DocumentMovedStatus, close.Status);
        Assert.Equal((WebSocketCloseStatus)1012, close.Status);
    }

    [Fact]
    public void Document_terminated_with_nothing_pending_resubscribes_from_the_clients_version_and_the_renewal_gets_no_reply()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty with { Version = 4 });

        List<ConnectionEffect> renewal = session.DocumentEnded(Doc).ToList();
        var subscribe = Command<DocumentCommands.Subscribe>(renewal);
        Assert.Equal(4, subscribe.FromVersion);
        Assert.Single(renewal.OfType<ConnectionEffect.StartTimer>(), t => t.Message is SessionTimers.ResubscribeCheck);

        List<ConnectionEffect> caughtUp = session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, null, [Op(4)])).ToList();
        Assert.Equal(4, Assert.IsType<OpMessage>(Assert.Single(Replies(caughtUp))).Version); // the op, and no subscribe reply
        Assert.Single(session.OpPublished(Published(5)));
    }

    [Fact]
    public void Document_terminated_after_the_client_unsubscribed_changes_nothing()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        session.Handle(new UnsubscribeRequest("docs", "d1"), 0);

        Assert.Empty(session.DocumentEnded(Doc));
    }

    [Fact]
    public void A_lost_subscription_is_renewed_until_the_attempts_run_out_then_the_client_is_told()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty with { Version = 2 });
        SessionTimers.ResubscribeCheck? check = session.SubscriptionLost(new DocumentReplies.SubscriptionLost(Doc))
            .OfType<ConnectionEffect.StartTimer>().Select(t => t.Message).OfType<SessionTimers.ResubscribeCheck>().Single();

        for (int attempt = 1; attempt < ConnectionSession.MaxResubscribeAttempts; attempt++)
        {
            Assert.Equal(attempt, check!.Attempt);
            List<ConnectionEffect> again = session.ResubscribeCheck(check).ToList();
            Assert.Equal(2, Command<DocumentCommands.Subscribe>(again).FromVersion);
            check = again.OfType<ConnectionEffect.StartTimer>().Select(t => t.Message).OfType<SessionTimers.ResubscribeCheck>().Single();
        }
        var told = Assert.IsType<ErrorReply>(Assert.Single(Replies(session.ResubscribeCheck(check!))));

        Assert.Equal((MessageActions.Subscribe, ProtocolErrorCodes.DocumentUnavailable), (told.Action, told.Error.Code));
        Assert.Equal(0, session.Subscriptions);
    }

    [Fact]
    public void An_answered_renewal_is_not_sent_again()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        List<ConnectionEffect> renewal = session.SubscriptionLost(new DocumentReplies.SubscriptionLost(Doc)).ToList();
        var subscribe = Command<DocumentCommands.Subscribe>(renewal);
        session.Fetched(new DocumentReplies.Fetched(Doc, subscribe.RequestId, null, []));

        Assert.Empty(session.ResubscribeCheck(new SessionTimers.ResubscribeCheck(Doc, subscribe.RequestId, 1)));
    }

    [Fact]
    public void An_undelivered_submit_is_sent_again_after_the_retry_delay_under_the_same_request_id()
    {
        var settings = new ConnectionSettings { UndeliveredRetryDelay = TimeSpan.FromMilliseconds(300) };
        ConnectionSession session = NewSession(settings);
        Subscribed(session, Empty);
        var submit = Command<DocumentCommands.Submit>(
            session.Handle(new SubmitRequest("docs", "d1", 0, null, 1, new EditChange(TextOp.InsertAt(0, "a"))), 0).ToList());

        var timer = Assert.IsType<ConnectionEffect.StartTimer>(Assert.Single(session.Undelivered(new DocumentRequestUndelivered(submit.RequestId))));
        Assert.Equal(settings.UndeliveredRetryDelay, timer.Delay);
        var due = Assert.IsType<SessionTimers.RetryDue>(timer.Message);

        Assert.Same(submit, Command<DocumentCommands.Submit>(session.RetryDue(due)));
    }

    [Fact]
    public void An_undelivered_request_answered_before_its_retry_is_not_sent_again()
    {
        ConnectionSession session = NewSession();
        var fetch = Command<DocumentCommands.Fetch>(session.Handle(new FetchRequest("docs", "d1", null), 0).ToList());
        var timer = Assert.IsType<ConnectionEffect.StartTimer>(Assert.Single(session.Undelivered(new DocumentRequestUndelivered(fetch.RequestId))));
        session.Fetched(new DocumentReplies.Fetched(Doc, fetch.RequestId, Empty, []));

        Assert.Empty(session.RetryDue(Assert.IsType<SessionTimers.RetryDue>(timer.Message)));
        Assert.Empty(session.Undelivered(new DocumentRequestUndelivered(fetch.RequestId)));
    }

    [Fact]
    public void A_retried_request_answered_twice_reaches_the_client_once()
    {
        ConnectionSession session = NewSession();
        var fetch = Command<DocumentCommands.Fetch>(session.Handle(new FetchRequest("docs", "d1", null), 0).ToList());
        session.RetryDue(new SessionTimers.RetryDue(fetch.RequestId));

        Assert.Single(Replies(session.Fetched(new DocumentReplies.Fetched(Doc, fetch.RequestId, Empty, []))));
        Assert.Empty(session.Fetched(new DocumentReplies.Fetched(Doc, fetch.RequestId, Empty, [])));
    }

    [Fact]
    public void When_a_node_is_removed_every_unanswered_request_is_sent_again_under_its_request_id_and_answered_ones_are_not()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        var submit = Command<DocumentCommands.Submit>(
            session.Handle(new SubmitRequest("docs", "d1", 0, null, 1, new EditChange(TextOp.InsertAt(0, "a"))), 0).ToList());
        var answered = Command<DocumentCommands.Fetch>(session.Handle(new FetchRequest("docs", "d2", null), 0).ToList());
        var unanswered = Command<DocumentCommands.Fetch>(session.Handle(new FetchRequest("docs", "d3", null), 0).ToList());
        session.Fetched(new DocumentReplies.Fetched(new DocumentId("docs", "d2"), answered.RequestId, Empty, []));

        List<IWithDocumentId> again = session.NodeRemoved()
            .OfType<ConnectionEffect.ToDocument>().Select(e => e.Command).ToList();

        Assert.Equal(2, again.Count);
        Assert.Contains(submit, again);
        Assert.Contains(unanswered, again);
    }

    [Fact]
    public void A_node_removed_with_nothing_unanswered_sends_nothing()
    {
        ConnectionSession session = NewSession();
        var fetch = Command<DocumentCommands.Fetch>(session.Handle(new FetchRequest("docs", "d1", null), 0).ToList());
        session.Fetched(new DocumentReplies.Fetched(Doc, fetch.RequestId, Empty, []));

        Assert.Empty(session.NodeRemoved());
    }

    [Fact]
    public void The_reply_timer_starts_with_the_first_request_only_and_a_request_left_unanswered_past_it_closes_with_1012()
    {
        ConnectionSession session = NewSession(new ConnectionSettings { DocumentReplyTimeout = TimeSpan.Zero });
        Assert.Single(session.Handle(new FetchRequest("docs", "a", null), 0).OfType<ConnectionEffect.StartTimer>());
        Assert.Empty(session.Handle(new FetchRequest("docs", "b", null), 0).OfType<ConnectionEffect.StartTimer>());

        var close = Assert.IsType<ConnectionEffect.Close>(Assert.Single(session.RepliesDue()));
        Assert.Equal(ConnectionSession.DocumentMovedStatus, close.Status);
    }

    [Fact]
    public void A_reply_check_with_everything_answered_starts_no_timer_and_the_next_request_starts_one()
    {
        ConnectionSession session = NewSession();
        var fetch = Command<DocumentCommands.Fetch>(session.Handle(new FetchRequest("docs", "d1", null), 0).ToList());
        session.Fetched(new DocumentReplies.Fetched(Doc, fetch.RequestId, Empty, []));

        Assert.Empty(session.RepliesDue());
        Assert.Single(session.Handle(new FetchRequest("docs", "d1", null), 0).OfType<ConnectionEffect.StartTimer>());
    }

    [Fact]
    public void A_client_without_read_access_is_denied_and_the_document_never_asked()
    {
        var access = new ConnectionAccess("alice", null, null, [DocumentPattern.Parse("public/*")], [], ClientIdIssuer.Unbound);
        ConnectionSession session = NewSession(access: access);

        foreach (ClientMessage message in new ClientMessage[]
        {
            new FetchRequest("docs", "d1", null), new SubscribeRequest("docs", "d1", null),
            new BulkFetchRequest("docs", BulkSelection.OfIds(["d1"])), new PresenceSubscribeRequest("docs.d1", 1),
            new SubmitRequest("public", "p", 0, null, 1, new EditChange(TextOp.InsertAt(0, "a"))),
        })
        {
            var denied = Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(Assert.Single(session.Handle(message, 0))).Message);
            Assert.Equal(ProtocolErrorCodes.AccessDenied, denied.Error.Code);
        }
        Assert.Single(session.Handle(new FetchRequest("public", "p", null), 0).OfType<ConnectionEffect.ToDocument>());
    }

    [Fact]
    public void An_op_under_another_src_is_denied()
    {
        var denied = Assert.IsType<ErrorReply>(Assert.Single(Replies(NewSession().Handle(
            new SubmitRequest("docs", "d1", 0, "someone-else", 1, new EditChange(TextOp.InsertAt(0, "a"))), 0))));
        Assert.Equal(ProtocolErrorCodes.AccessDenied, denied.Error.Code);
    }

    [Fact]
    public void A_handshake_resumes_an_id_issued_to_the_same_subject_only()
    {
        byte[] secret = new byte[32];
        ClientIdIssuer alice = ClientIdIssuer.BoundTo("alice", secret);
        var access = new ConnectionAccess("alice", null, null, [DocumentPattern.Any], [DocumentPattern.Any], alice);
        string earlier = alice.NewId();
        string bobs = ClientIdIssuer.BoundTo("bob", secret).NewId();

        ConnectionSession resumed = NewSession(access: access);
        Assert.Equal(earlier, ((HandshakeReply)Replies(resumed.Handle(new HandshakeRequest(earlier, 1, 2), 0))[0]).ClientId);
        Assert.Equal(earlier, resumed.Src);

        ConnectionSession refused = NewSession(access: access);
        Assert.Equal("client-1", ((HandshakeReply)Replies(refused.Handle(new HandshakeRequest(bobs, 1, 2), 0))[0]).ClientId);
        Assert.Equal("client-1", ((HandshakeReply)Replies(refused.Handle(new HandshakeRequest(new string('x', 129), 1, 2), 0))[0]).ClientId);
    }

    [Fact]
    public void Queries_are_refused_with_their_own_code()
    {
        var refused = Assert.IsType<ErrorReply>(Assert.Single(Replies(NewSession().Handle(new QueryRequest("qf", 1, "docs"), 0))));
        Assert.Equal(ProtocolErrorCodes.QueriesNotSupported, refused.Error.Code);
    }

    [Fact]
    public void Stopping_releases_every_subscription_and_nulls_the_clients_cursors_through_their_document()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, Empty);
        session.Handle(new PresenceSubscribeRequest("docs.d1", 1), 0);
        session.Handle(new PresenceUpdate("docs.d1", "cursor", System.Text.Json.JsonDocument.Parse("""{"index":0}""").RootElement,
            1, "docs", "d1", 0, TextUnicodeType.Uri), 0);

        List<ConnectionEffect> stop = session.Stop().ToList();

        Assert.Equal(Doc, Command<DocumentCommands.Unsubscribe>(stop).Document);
        var gone = Command<DocumentCommands.PublishPresence>(stop);
        Assert.Equal((Doc, "cursor", (System.Text.Json.JsonElement?)null, 2L),
            (gone.Document, gone.Presence.PresenceId, gone.Presence.Value, gone.Presence.PresenceVersion));
        Assert.Single(stop.OfType<ConnectionEffect.ToPresence>(), p => p.Command is CollabActors.Presence.PresenceCommands.Unsubscribe);
    }
}
