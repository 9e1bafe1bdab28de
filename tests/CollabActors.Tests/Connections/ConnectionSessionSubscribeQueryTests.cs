using Akka.Actor;
using Akka.Event;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;

namespace CollabActors.Tests.Connections;

/// <summary>
/// How a session serves subscribe queries: qs starts a live query with the node, its results are the reply and their
/// documents become subscribed from the versions sent, each change is a q diff that subscribes what entered and
/// releases what left, qu and the connection's end stop it, and bad requests change nothing.
/// </summary>
public sealed class ConnectionSessionSubscribeQueryTests
{
    private const string Json0 = "http://sharejs.org/types/JSONv0";
    private static readonly JsonText Open = new("""{"status":"open"}""");

    private static ConnectionSession NewSession(ConnectionAccess? access = null, ConnectionSettings? settings = null) =>
        new("client-1", settings ?? ConnectionSettings.Default, access ?? ConnectionAccess.Unrestricted, ActorRefs.Nobody, NoLogger.Instance,
            answersQueries: true, answersSubscribeQueries: true);

    private static QueriedDocument Doc(string id, long version) => new(id, new WireSnapshot(version, Json0, """{"status":"open"}"""), 1, 2);

    private static QueryResults Results(params QueriedDocument[] documents) => new(documents, null);

    private static ErrorReply ErrorOf(IReadOnlyList<ConnectionEffect> effects) =>
        Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(Assert.Single(effects)).Message);

    /// <summary>Starts a subscribe query and answers it with <paramref name="results"/>; returns its token and the effects of the answer.</summary>
    private static (long Token, List<ConnectionEffect> Effects) Subscribed(ConnectionSession session, long queryId, QueryResults results)
    {
        var request = new QueryRequest("qs", queryId, "notes", Open);
        var start = Assert.IsType<ConnectionEffect.StartLiveQuery>(Assert.Single(session.Handle(request, 0)));
        return (start.Token, session.QuerySubscribed(new QueryReplies.Subscribed(request, start.Token, results)).ToList());
    }

    private static IEnumerable<DocumentCommands.Subscribe> Subscribes(IEnumerable<ConnectionEffect> effects) =>
        effects.OfType<ConnectionEffect.ToDocument>().Select(e => e.Command).OfType<DocumentCommands.Subscribe>();

    private static IEnumerable<DocumentCommands.Unsubscribe> Unsubscribes(IEnumerable<ConnectionEffect> effects) =>
        effects.OfType<ConnectionEffect.ToDocument>().Select(e => e.Command).OfType<DocumentCommands.Unsubscribe>();

    [Fact]
    public void A_subscribe_query_replies_with_its_results_then_subscribes_each_document_from_the_version_sent()
    {
        ConnectionSession session = NewSession();
        QueryResults results = Results(Doc("n1", 3), Doc("n2", 7));
        (_, List<ConnectionEffect> effects) = Subscribed(session, 4, results);

        // The reply goes first: the catch-up ops the documents send must find the client holding their snapshots.
        Assert.Equal(new QuerySubscribeReply(4, results), Assert.IsType<ConnectionEffect.Reply>(effects[0]).Message);
        Assert.Equal([("n1", 3L), ("n2", 7L)], Subscribes(effects).Select(s => (s.Document.Id, s.FromVersion!.Value)));
        Assert.Equal(1, session.QuerySubscriptions);
        Assert.Equal(0, session.Subscriptions); // held by the query, not counted as the client's own
    }

    [Fact]
    public void An_op_committed_between_the_query_and_the_subscription_reaches_the_client_once()
    {
        ConnectionSession session = NewSession();
        (_, List<ConnectionEffect> effects) = Subscribed(session, 1, Results(Doc("n1", 3)));
        DocumentCommands.Subscribe subscribe = Assert.Single(Subscribes(effects));

        // The document answers from version 3: op 3 was committed after the read model's snapshot, and is sent.
        var edit = new EditChange(CollabText.Types.OtTypes.Get(Json0).ReadOp(System.Text.Json.JsonDocument.Parse("""[{"p":["n"],"na":1}]""").RootElement));
        CommittedOp op3 = new(3, "other", 1, edit, 0), op4 = new(4, "other", 2, edit, 0);
        var catchUp = session.Fetched(new DocumentReplies.Fetched(subscribe.Document, subscribe.RequestId, null, [op3]));
        var sent = Assert.IsType<OpMessage>(Assert.IsType<ConnectionEffect.Reply>(Assert.Single(catchUp, e => e is ConnectionEffect.Reply)).Message);
        Assert.Equal(3, sent.Version);

        // Pushed ops go on from there, and one the client has is not sent again.
        Assert.Empty(session.OpPublished(new DocumentReplies.OpPublished(subscribe.Document, op3, new PreparedMessage(op3.ToMessage(subscribe.Document)))));
        Assert.Single(session.OpPublished(new DocumentReplies.OpPublished(subscribe.Document, op4, new PreparedMessage(op4.ToMessage(subscribe.Document)))));
    }

    [Fact]
    public void A_document_this_connection_already_sent_is_subscribed_from_what_the_client_has()
    {
        ConnectionSession session = NewSession();
        // The client fetched n1 at version 2 earlier: with a newer snapshot in the results it fetches the ops from 2.
        session.Handle(new FetchRequest("notes", "n1", null), 0);
        session.Fetched(new DocumentReplies.Fetched(new DocumentId("notes", "n1"), 1, new WireSnapshot(2, Json0, "{}"), []));
        (_, List<ConnectionEffect> effects) = Subscribed(session, 1, Results(Doc("n1", 5), Doc("n2", 4)));
        Assert.Equal([("n1", 2L), ("n2", 4L)], Subscribes(effects).Select(s => (s.Document.Id, s.FromVersion!.Value)));
    }

    [Fact]
    public void A_qs_sent_again_after_a_reconnect_subscribes_the_documents_the_client_has_from_the_versions_it_has()
    {
        ConnectionSession session = NewSession();
        var request = new QueryRequest("qs", 1, "notes", Open, new Dictionary<string, long> { ["n1"] = 2 });
        var start = Assert.IsType<ConnectionEffect.StartLiveQuery>(Assert.Single(session.Handle(request, 0)));
        var effects = session.QuerySubscribed(new QueryReplies.Subscribed(request, start.Token, Results(Doc("n1", 5), Doc("n2", 4))));
        Assert.Equal([("n1", 2L), ("n2", 4L)], Subscribes(effects).Select(s => (s.Document.Id, s.FromVersion!.Value)));
    }

    [Fact]
    public void A_change_is_sent_as_a_q_diff_and_subscribes_what_entered_and_releases_what_left()
    {
        ConnectionSession session = NewSession();
        (long token, _) = Subscribed(session, 2, Results(Doc("n1", 1), Doc("n2", 1)));
        List<ResultsChange> diff = [new ResultsChange.Remove(0, 1), new ResultsChange.Insert(1, [Doc("n3", 5)])];
        var effects = session.QueryChanged(new QueryReplies.Changed(2, token, diff, false, null)).ToList();

        Assert.Equal(new QueryUpdate(2, diff, false, null), Assert.IsType<ConnectionEffect.Reply>(effects[0]).Message);
        Assert.Equal(("n3", 5L), Assert.Single(Subscribes(effects)) is var s ? (s.Document.Id, s.FromVersion!.Value) : default);
        Assert.Equal("n1", Assert.Single(Unsubscribes(effects)).Document.Id);
    }

    [Fact]
    public void A_document_the_client_subscribed_to_itself_stays_subscribed_when_it_leaves_the_results_and_vice_versa()
    {
        ConnectionSession session = NewSession();
        session.Handle(new SubscribeRequest("notes", "mine", null), 0);
        (long token, List<ConnectionEffect> effects) = Subscribed(session, 1, Results(Doc("mine", 2), Doc("held", 2)));
        Assert.Equal(["held"], Subscribes(effects).Select(s => s.Document.Id)); // "mine" is subscribed already

        Assert.Empty(Unsubscribes(session.QueryChanged(new QueryReplies.Changed(1, token, [new ResultsChange.Remove(0, 1)], false, null))));
        // The client ends its own subscription to a document the query still holds: no unsubscribe goes out.
        session.Handle(new SubscribeRequest("notes", "held", null), 0);
        Assert.Empty(Unsubscribes(session.Handle(new UnsubscribeRequest("notes", "held"), 0)));
    }

    [Fact]
    public void Qu_stops_the_live_query_and_releases_its_documents()
    {
        ConnectionSession session = NewSession();
        (long token, _) = Subscribed(session, 9, Results(Doc("n1", 1)));
        var effects = session.Handle(new QueryRequest("qu", 9, null), 0).ToList();
        Assert.Equal(token, Assert.Single(effects.OfType<ConnectionEffect.StopLiveQuery>()).Token);
        Assert.Equal("n1", Assert.Single(Unsubscribes(effects)).Document.Id);
        Assert.Equal(new QueryUnsubscribeReply(9), effects.OfType<ConnectionEffect.Reply>().Single().Message);
        Assert.Equal(0, session.QuerySubscriptions);

        // A change already on its way for the ended query is dropped.
        Assert.Empty(session.QueryChanged(new QueryReplies.Changed(9, token, [new ResultsChange.Remove(0, 1)], false, null)));
    }

    [Fact]
    public void Qu_for_an_unknown_id_is_an_error_and_changes_nothing()
    {
        ConnectionSession session = NewSession();
        Subscribed(session, 1, Results(Doc("n1", 1)));
        Assert.Equal(ProtocolErrorCodes.QueryNotSubscribed, ErrorOf(session.Handle(new QueryRequest("qu", 2, null), 0)).Error.Code);
        Assert.Equal(1, session.QuerySubscriptions);
    }

    [Fact]
    public void Qs_without_a_collection_or_query_is_refused_and_starts_nothing()
    {
        ConnectionSession session = NewSession();
        foreach (QueryRequest bad in new[] { new QueryRequest("qs", 1, null, Open), new QueryRequest("qs", 2, "notes") })
        {
            Assert.Equal(ProtocolErrorCodes.QueryInvalid, ErrorOf(session.Handle(bad, 0)).Error.Code);
        }
        Assert.Equal(0, session.QuerySubscriptions);
    }

    [Fact]
    public void A_refused_subscribe_query_is_an_error_reply_and_holds_nothing()
    {
        ConnectionSession session = NewSession();
        var request = new QueryRequest("qs", 5, "notes", new JsonText("""{"title":{"$regex":"x"}}"""));
        var start = Assert.IsType<ConnectionEffect.StartLiveQuery>(Assert.Single(session.Handle(request, 0)));
        var error = new ProtocolError(ProtocolErrorCodes.QueryNotSupported, "The query operator '$regex' is not supported.");
        ErrorReply reply = ErrorOf(session.QueryFailed(new QueryReplies.Failed(request, error, start.Token)));
        Assert.Equal(error, reply.Error);
        Assert.Equal(5, reply.Request.RequestId);
        Assert.Equal(0, session.QuerySubscriptions);
    }

    [Fact]
    public void A_connection_holds_at_most_MaxQuerySubscriptions_and_a_qs_under_a_live_id_replaces_it()
    {
        ConnectionSession session = NewSession(settings: ConnectionSettings.Default with { MaxQuerySubscriptions = 2 });
        (long first, _) = Subscribed(session, 1, Results(Doc("n1", 1)));
        Subscribed(session, 2, Results());
        Assert.Equal(ProtocolErrorCodes.TooManyQuerySubscriptions,
            ErrorOf(session.Handle(new QueryRequest("qs", 3, "notes", Open), 0)).Error.Code);

        var effects = session.Handle(new QueryRequest("qs", 1, "notes", Open), 0).ToList();
        Assert.Equal(first, Assert.Single(effects.OfType<ConnectionEffect.StopLiveQuery>()).Token);
        Assert.Single(effects.OfType<ConnectionEffect.StartLiveQuery>());
        Assert.Equal(2, session.QuerySubscriptions);
        // The first results of the replaced subscription, if they still come, are not for the client.
        Assert.Empty(session.QuerySubscribed(new QueryReplies.Subscribed(new QueryRequest("qs", 1, "notes", Open), first, Results(Doc("n9", 1)))));
    }

    [Fact]
    public void With_a_token_a_live_query_looks_only_at_readable_documents()
    {
        var access = new ConnectionAccess("alice", null, null, [DocumentPattern.Parse("notes/team-*")], [], ClientIdIssuer.Unbound);
        var start = Assert.IsType<ConnectionEffect.StartLiveQuery>(Assert.Single(NewSession(access).Handle(new QueryRequest("qs", 1, "notes", Open), 0)));
        Assert.Equal(["notes/team-*"], start.Readable!.Select(p => p.ToString()));
    }

    [Fact]
    public void The_end_of_the_connection_stops_every_live_query()
    {
        ConnectionSession session = NewSession();
        (long a, List<ConnectionEffect> held) = Subscribed(session, 1, Results(Doc("n1", 1)));
        DocumentCommands.Subscribe subscribe = Assert.Single(Subscribes(held));
        session.Fetched(new DocumentReplies.Fetched(subscribe.Document, subscribe.RequestId, null, []));
        (long b, _) = Subscribed(session, 2, Results());
        var effects = session.Stop();
        Assert.Equal([a, b], effects.OfType<ConnectionEffect.StopLiveQuery>().Select(s => s.Token).Order());
        Assert.Equal("n1", Assert.Single(Unsubscribes(effects)).Document.Id);
    }
}
