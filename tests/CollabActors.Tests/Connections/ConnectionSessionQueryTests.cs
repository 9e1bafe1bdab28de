using Akka.Actor;
using Akka.Event;
using CollabActors.Connections;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;

namespace CollabActors.Tests.Connections;

/// <summary>How a session answers queries: qf goes to the node's read model, its answer or error back to the client; qs/qu are refused.</summary>
public sealed class ConnectionSessionQueryTests
{
    private static readonly JsonText AllOpen = new("""{"done":false}""");

    private static ConnectionSession NewSession(bool answersQueries = true, ConnectionAccess? access = null, ConnectionSettings? settings = null) =>
        new("client-1", settings ?? ConnectionSettings.Default, access ?? ConnectionAccess.Unrestricted, ActorRefs.Nobody, NoLogger.Instance, answersQueries);

    private static ConnectionAccess Access(string[] read, string[] write) =>
        new("alice", null, null, [.. read.Select(DocumentPattern.Parse)], [.. write.Select(DocumentPattern.Parse)], ClientIdIssuer.Unbound);

    [Fact]
    public void A_fetch_query_runs_on_the_read_model_and_its_results_are_the_reply()
    {
        ConnectionSession session = NewSession();
        var query = new QueryRequest("qf", 7, "notes", AllOpen);
        var run = Assert.IsType<ConnectionEffect.RunQuery>(Assert.Single(session.Handle(query, 0)));
        Assert.Same(query, run.Request);
        Assert.Null(run.Readable); // authentication off: every document

        var results = new QueryResults([new QueriedDocument("n1", new WireSnapshot(2, "http://sharejs.org/types/JSONv0", """{"done":false}"""), 1, 2)], null);
        var reply = Assert.IsType<ConnectionEffect.Reply>(Assert.Single(session.QueryFetched(new QueryReplies.Fetched(query, results))));
        Assert.Equal(new QueryFetchReply(7, results), reply.Message);
    }

    [Fact]
    public void A_failed_query_is_an_error_reply_that_echoes_its_id()
    {
        ConnectionSession session = NewSession();
        var query = new QueryRequest("qf", 3, "notes", new JsonText("""{"title":{"$regex":"x"}}"""));
        session.Handle(query, 0);
        var error = new ProtocolError(ProtocolErrorCodes.QueryNotSupported, "The query operator '$regex' is not supported.");
        var reply = Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(Assert.Single(session.QueryFailed(new QueryReplies.Failed(query, error)))).Message);
        Assert.Equal(error, reply.Error);
        Assert.Equal(3, reply.Request.RequestId);
    }

    [Fact]
    public void Subscribe_queries_are_refused_as_not_supported_and_so_is_everything_without_a_read_model()
    {
        var subscribe = Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(
            Assert.Single(NewSession().Handle(new QueryRequest("qs", 1, "notes", AllOpen), 0))).Message);
        Assert.Equal(ProtocolErrorCodes.QueriesNotSupported, subscribe.Error.Code);
        var fetch = Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(
            Assert.Single(NewSession(answersQueries: false).Handle(new QueryRequest("qf", 1, "notes", AllOpen), 0))).Message);
        Assert.Equal(ProtocolErrorCodes.QueriesNotSupported, fetch.Error.Code);
    }

    [Fact]
    public void A_query_without_a_collection_or_query_object_is_refused()
    {
        ConnectionSession session = NewSession();
        foreach (QueryRequest bad in new[] { new QueryRequest("qf", 1, null, AllOpen), new QueryRequest("qf", 2, "notes") })
        {
            var reply = Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(Assert.Single(session.Handle(bad, 0))).Message);
            Assert.Equal(ProtocolErrorCodes.QueryInvalid, reply.Error.Code);
        }
    }

    [Fact]
    public void With_a_token_a_query_looks_only_at_what_its_read_and_write_patterns_name()
    {
        ConnectionSession session = NewSession(access: Access(read: ["notes/team-*"], write: ["notes/alice-*"]));
        var run = Assert.IsType<ConnectionEffect.RunQuery>(Assert.Single(session.Handle(new QueryRequest("qf", 1, "notes", AllOpen), 0)));
        Assert.Equal(["notes/alice-*", "notes/team-*"], run.Readable!.Select(p => p.ToString()));
    }

    [Fact]
    public void A_connection_may_have_only_so_many_queries_running_and_gets_its_turn_back_with_each_answer()
    {
        ConnectionSession session = NewSession(settings: ConnectionSettings.Default with { MaxQueriesInFlight = 2 });
        var first = new QueryRequest("qf", 1, "notes", AllOpen);
        Assert.IsType<ConnectionEffect.RunQuery>(Assert.Single(session.Handle(first, 0)));
        Assert.IsType<ConnectionEffect.RunQuery>(Assert.Single(session.Handle(new QueryRequest("qf", 2, "notes", AllOpen), 0)));
        var third = Assert.IsType<ErrorReply>(Assert.IsType<ConnectionEffect.Reply>(Assert.Single(session.Handle(new QueryRequest("qf", 3, "notes", AllOpen), 0))).Message);
        Assert.Equal(ProtocolErrorCodes.QueryUnavailable, third.Error.Code);

        session.QueryFetched(new QueryReplies.Fetched(first, new QueryResults([], null)));
        Assert.IsType<ConnectionEffect.RunQuery>(Assert.Single(session.Handle(new QueryRequest("qf", 4, "notes", AllOpen), 0)));
    }
}
