using System.Net.WebSockets;
using CollabActors.Connections;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Connections;

/// <summary>Admission with a clock the test holds: token buckets, bulk cost and bound, and the strikes that close a flooder.</summary>
public class ConnectionAdmissionTests
{
    private static readonly ClientMessage Ping = PingRequest.Instance;

    private static SubmitRequest Submit(long seq) => new("docs", "d1", 0, null, seq, new EditChange(TextOp.InsertAt(0, "a")));

    private static string? RefusalCode(ConnectionEffect? effect) =>
        effect is ConnectionEffect.Reply { Message: ErrorReply error } ? error.Error.Code : null;

    [Fact]
    public void Messages_past_the_burst_are_refused_with_rate_limited_until_the_bucket_refills()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 3 }, 0);
        for (int i = 0; i < 3; i++) Assert.Null(admission.Check(Ping, 0));

        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Check(Ping, 0)));
        Assert.Null(admission.Check(Ping, 100)); // a tenth of a second refills one token
    }

    [Fact]
    public void Ops_take_from_their_own_bucket_as_well()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { OpsPerSecond = 1, OpBurst = 2 }, 0);
        Assert.Null(admission.Check(Submit(1), 0));
        Assert.Null(admission.Check(Submit(2), 0));

        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Check(Submit(3), 0)));
        Assert.Null(admission.Check(Ping, 0));
    }

    [Fact]
    public void A_bulk_request_costs_one_token_more_per_ten_documents()
    {
        var ids = Enumerable.Range(0, 25).Select(i => "d" + i).ToArray();
        var bulk = new BulkFetchRequest("docs", BulkSelection.OfIds(ids));
        Assert.Equal(3, ConnectionAdmission.MessageCost(bulk));

        var admission = new ConnectionAdmission(new ConnectionSettings { MessagesPerSecond = 1, MessageBurst = 5 }, 0);
        Assert.Null(admission.Check(bulk, 0));
        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Check(bulk, 0))); // 2 tokens left
    }

    [Fact]
    public void A_bulk_request_naming_more_documents_than_allowed_is_refused()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { MaxBulkDocuments = 2 }, 0);

        Assert.Equal(ProtocolErrorCodes.BulkTooLarge,
            RefusalCode(admission.Check(new BulkSubscribeRequest("docs", BulkSelection.OfIds(["a", "b", "c"])), 0)));
        Assert.Null(admission.Check(new BulkSubscribeRequest("docs", BulkSelection.OfIds(["a", "b"])), 0));
    }

    [Fact]
    public void Refusals_past_the_strike_limit_within_a_window_close_with_1008()
    {
        var settings = new ConnectionSettings
        {
            MessagesPerSecond = 1, MessageBurst = 1, RateLimitStrikes = 3, RateLimitWindow = TimeSpan.FromSeconds(10),
        };
        var admission = new ConnectionAdmission(settings, 0);
        Assert.Null(admission.Check(Ping, 0));
        for (int i = 0; i < 3; i++) Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Check(Ping, 0)));

        var close = Assert.IsType<ConnectionEffect.Close>(admission.Check(Ping, 0));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
    }

    [Fact]
    public void Strikes_start_over_in_a_new_window_even_without_an_accepted_message()
    {
        var settings = new ConnectionSettings
        {
            MessagesPerSecond = 0.001, MessageBurst = 1, RateLimitStrikes = 2, RateLimitWindow = TimeSpan.FromSeconds(10),
        };
        var admission = new ConnectionAdmission(settings, 0);
        admission.Check(Ping, 0);
        Assert.NotNull(RefusalCode(admission.Check(Ping, 1)));
        Assert.NotNull(RefusalCode(admission.Check(Ping, 2)));

        Assert.NotNull(RefusalCode(admission.Check(Ping, 20_000)));
        Assert.NotNull(RefusalCode(admission.Check(Ping, 20_001)));
        Assert.IsType<ConnectionEffect.Close>(admission.Check(Ping, 20_002));
    }
}
