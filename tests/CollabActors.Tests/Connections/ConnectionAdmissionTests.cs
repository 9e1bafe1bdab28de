using System.Net.WebSockets;
using CollabActors.Connections;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Connections;

/// <summary>
/// Admission with a clock the test holds: token buckets and bulk cost, messages over the rate waiting in order until
/// the buckets refill, refusal once too many wait, the strikes that close a flooder, and the create budgets of the
/// connection and of its address.
/// </summary>
public class ConnectionAdmissionTests
{
    private static readonly ClientMessage Ping = PingRequest.Instance;

    private static SubmitRequest Submit(long seq) => new("docs", "d1", 0, null, seq, new EditChange(TextOp.InsertAt(0, "a")));

    private static SubmitRequest Create(string id, long seq) => new("docs", id, 0, null, seq, new CreateChange(ProtocolSocketType, "x"));

    private const string ProtocolSocketType = "http://sharejs.org/types/text-unicode";

    private static string? RefusalCode(AdmissionStep step) =>
        Assert.Single(step.Refusals) is ConnectionEffect.Reply { Message: ErrorReply error } ? error.Error.Code : null;

    private static void AssertAdmitted(ClientMessage message, AdmissionStep step)
    {
        Assert.Equal([message], step.Admitted);
        Assert.Empty(step.Refusals);
        Assert.Null(step.WaitFor);
    }

    private static void AssertWaits(AdmissionStep step)
    {
        Assert.Empty(step.Admitted);
        Assert.Empty(step.Refusals);
        Assert.NotNull(step.WaitFor);
    }

    [Fact]
    public void A_message_within_the_rate_is_admitted_at_once()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 3 }, 0);
        for (int i = 0; i < 3; i++) AssertAdmitted(Ping, admission.Offer(Ping, 0));
    }

    [Fact]
    public void A_message_past_the_burst_waits_until_the_bucket_refills_and_is_then_released()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 1 }, 0);
        admission.Offer(Ping, 0);

        AdmissionStep waiting = admission.Offer(Submit(1), 0);
        AssertWaits(waiting);
        Assert.Equal(TimeSpan.FromMilliseconds(100), waiting.WaitFor); // a tenth of a second refills one token

        AdmissionStep early = admission.Release(50);
        Assert.Empty(early.Admitted);
        Assert.Equal(TimeSpan.FromMilliseconds(50), early.WaitFor);

        AssertAdmitted(Submit(1), admission.Release(100));
    }

    [Fact]
    public void Waiting_messages_are_released_in_the_order_they_came_and_a_new_one_goes_behind_them()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 3 }, 0);
        for (int i = 0; i < 3; i++) admission.Offer(Ping, 0);
        AssertWaits(admission.Offer(Submit(1), 0));
        AssertWaits(admission.Offer(Submit(2), 0));
        // Two tokens are back by now, but the line is served first: nothing overtakes a waiting message.
        AssertWaits(admission.Offer(Submit(3), 200));

        AdmissionStep released = admission.Release(200);
        Assert.Equal([Submit(1), Submit(2)], released.Admitted);
        Assert.Equal(TimeSpan.FromMilliseconds(100), released.WaitFor);
        AssertAdmitted(Submit(3), admission.Release(300));
    }

    [Fact]
    public void An_op_waits_for_the_op_bucket_as_well_and_other_messages_wait_behind_it()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { OpsPerSecond = 1, OpBurst = 2 }, 0);
        AssertAdmitted(Submit(1), admission.Offer(Submit(1), 0));
        AssertAdmitted(Submit(2), admission.Offer(Submit(2), 0));

        AdmissionStep op = admission.Offer(Submit(3), 0);
        Assert.Equal(TimeSpan.FromSeconds(1), op.WaitFor);
        AssertWaits(admission.Offer(Ping, 0));

        Assert.Equal([Submit(3), Ping], admission.Release(1000).Admitted);
    }

    [Fact]
    public void A_bulk_request_costs_one_token_more_per_ten_documents()
    {
        var ids = Enumerable.Range(0, 25).Select(i => "d" + i).ToArray();
        var bulk = new BulkFetchRequest("docs", BulkSelection.OfIds(ids));
        Assert.Equal(3, ConnectionAdmission.MessageCost(bulk));

        var admission = new ConnectionAdmission(new ConnectionSettings { MessagesPerSecond = 1, MessageBurst = 5 }, 0);
        AssertAdmitted(bulk, admission.Offer(bulk, 0));
        Assert.Equal(TimeSpan.FromSeconds(1), admission.Offer(bulk, 0).WaitFor); // 2 tokens left, 3 needed
    }

    [Fact]
    public void A_bulk_request_naming_more_documents_than_allowed_is_refused()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { MaxBulkDocuments = 2 }, 0);

        Assert.Equal(ProtocolErrorCodes.BulkTooLarge,
            RefusalCode(admission.Offer(new BulkSubscribeRequest("docs", BulkSelection.OfIds(["a", "b", "c"])), 0)));
        var allowed = new BulkSubscribeRequest("docs", BulkSelection.OfIds(["a", "b"]));
        AssertAdmitted(allowed, admission.Offer(allowed, 0));
    }

    [Fact]
    public void A_message_past_the_waiting_limit_is_refused_with_rate_limited_and_those_waiting_still_go()
    {
        var admission = new ConnectionAdmission(
            new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 1, MaxDelayedMessages = 2 }, 0);
        admission.Offer(Ping, 0);
        AssertWaits(admission.Offer(Submit(1), 0));
        AssertWaits(admission.Offer(Submit(2), 0));

        AdmissionStep refused = admission.Offer(Submit(3), 0);
        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(refused));
        Assert.Empty(refused.Admitted);

        Assert.Equal([Submit(1)], admission.Release(100).Admitted); // the bucket holds one token: one at a time
        AssertAdmitted(Submit(2), admission.Release(200));
    }

    [Fact]
    public void No_waiting_at_all_refuses_at_once()
    {
        var admission = new ConnectionAdmission(
            new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 1, MaxDelayedMessages = 0 }, 0);
        admission.Offer(Ping, 0);
        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Offer(Ping, 0)));
    }

    [Fact]
    public void A_client_that_awaits_each_answer_is_slowed_down_but_never_refused()
    {
        var admission = new ConnectionAdmission(
            new ConnectionSettings { MessagesPerSecond = 10, MessageBurst = 3, OpsPerSecond = 5, OpBurst = 2 }, 0);
        long now = 0;
        for (int seq = 1; seq <= 200; seq++)
        {
            AdmissionStep step = admission.Offer(Submit(seq), now);
            while (step.WaitFor is { } wait) // the actor's timer: bounded, each wait ends with the op let through
            {
                Assert.Empty(step.Refusals);
                now += (long)wait.TotalMilliseconds;
                step = admission.Release(now);
            }
            Assert.Equal([Submit(seq)], step.Admitted);
            Assert.Empty(step.Refusals);
        }
        Assert.InRange(now, 39_000, 40_000); // 198 ops past the burst at 5 a second: slowed, not cut off
    }

    [Fact]
    public void A_client_that_keeps_sending_while_its_messages_wait_is_closed_with_1008()
    {
        var settings = new ConnectionSettings
        {
            MessagesPerSecond = 1, MessageBurst = 1, MaxDelayedMessages = 2, RateLimitStrikes = 3,
            RateLimitWindow = TimeSpan.FromSeconds(10),
        };
        var admission = new ConnectionAdmission(settings, 0);
        admission.Offer(Ping, 0);
        for (int i = 0; i < 2; i++) AssertWaits(admission.Offer(Ping, 0));
        for (int i = 0; i < 3; i++) Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Offer(Ping, 0)));

        var close = Assert.IsType<ConnectionEffect.Close>(Assert.Single(admission.Offer(Ping, 0).Refusals));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close.Status);
    }

    [Fact]
    public void Strikes_start_over_in_a_new_window_even_without_an_accepted_message()
    {
        var settings = new ConnectionSettings
        {
            MessagesPerSecond = 0.001, MessageBurst = 1, MaxDelayedMessages = 0, RateLimitStrikes = 2,
            RateLimitWindow = TimeSpan.FromSeconds(10),
        };
        var admission = new ConnectionAdmission(settings, 0);
        admission.Offer(Ping, 0);
        Assert.NotNull(RefusalCode(admission.Offer(Ping, 1)));
        Assert.NotNull(RefusalCode(admission.Offer(Ping, 2)));

        Assert.NotNull(RefusalCode(admission.Offer(Ping, 20_000)));
        Assert.NotNull(RefusalCode(admission.Offer(Ping, 20_001)));
        Assert.IsType<ConnectionEffect.Close>(Assert.Single(admission.Offer(Ping, 20_002).Refusals));
    }

    [Fact]
    public void Creates_past_the_connections_create_burst_are_refused_at_once_while_edits_and_other_messages_go_on()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings { CreatesPerSecond = 1, CreateBurst = 2 }, 0);
        AssertAdmitted(Create("a", 1), admission.Offer(Create("a", 1), 0));
        AssertAdmitted(Create("b", 2), admission.Offer(Create("b", 2), 0));

        AdmissionStep refused = admission.Offer(Create("c", 3), 0);
        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(refused));
        Assert.Empty(refused.Admitted);
        Assert.Null(refused.WaitFor); // refused, not kept waiting in front of the connection's next ops
        var error = (ErrorReply)((ConnectionEffect.Reply)refused.Refusals[0]).Message;
        Assert.Contains("create limit of 1 new documents per second per connection", error.Error.Message);

        AssertAdmitted(Submit(4), admission.Offer(Submit(4), 0));
        AssertAdmitted(Ping, admission.Offer(Ping, 0));
        AssertAdmitted(Create("c", 5), admission.Offer(Create("c", 5), 1000)); // a second refills one create
    }

    [Fact]
    public void Create_refusals_are_no_strikes_so_the_connection_is_never_closed_for_them()
    {
        var admission = new ConnectionAdmission(new ConnectionSettings
        {
            CreatesPerSecond = 0.001, CreateBurst = 1, RateLimitStrikes = 2, MessagesPerSecond = 1000, MessageBurst = 1000,
        }, 0);
        admission.Offer(Create("a", 1), 0);
        for (int i = 0; i < 20; i++)
        {
            AdmissionStep step = admission.Offer(Create("more" + i, 2 + i), i);
            Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(step));
        }
        AssertAdmitted(Submit(30), admission.Offer(Submit(30), 50));
    }

    [Fact]
    public void Connections_from_one_address_share_its_create_budget_and_other_addresses_have_their_own()
    {
        var budget = new AddressCreateBudget(perSecond: 1, burst: 3);
        var settings = new ConnectionSettings { CreatesPerSecond = 100, CreateBurst = 100 };
        using AddressCreateBudget.Share firstShare = budget.Join("10.0.0.1", 0);
        using AddressCreateBudget.Share secondShare = budget.Join("10.0.0.1", 0);
        using AddressCreateBudget.Share otherShare = budget.Join("10.0.0.2", 0);
        var first = new ConnectionAdmission(settings, 0, firstShare);
        var second = new ConnectionAdmission(settings, 0, secondShare);
        var other = new ConnectionAdmission(settings, 0, otherShare);

        AssertAdmitted(Create("a", 1), first.Offer(Create("a", 1), 0));
        AssertAdmitted(Create("b", 1), second.Offer(Create("b", 1), 0));
        AssertAdmitted(Create("c", 2), first.Offer(Create("c", 2), 0));
        AdmissionStep refused = second.Offer(Create("d", 2), 0);
        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(refused));
        Assert.Contains("from one address", ((ErrorReply)((ConnectionEffect.Reply)refused.Refusals[0]).Message).Error.Message);

        AssertAdmitted(Create("e", 1), other.Offer(Create("e", 1), 0));
        AssertAdmitted(Submit(3), second.Offer(Submit(3), 0));
        AssertAdmitted(Create("d", 4), second.Offer(Create("d", 4), 1000));
    }

    [Fact]
    public void A_create_refused_for_its_address_leaves_the_connections_own_budget_untouched()
    {
        var budget = new AddressCreateBudget(perSecond: 0.001, burst: 1);
        using AddressCreateBudget.Share share = budget.Join("10.0.0.1", 0);
        var admission = new ConnectionAdmission(new ConnectionSettings { CreatesPerSecond = 0.001, CreateBurst = 2 }, 0, share);
        AssertAdmitted(Create("a", 1), admission.Offer(Create("a", 1), 0));
        Assert.Equal(ProtocolErrorCodes.RateLimited, RefusalCode(admission.Offer(Create("b", 2), 0)));

        // Another address's budget: the connection still has the create it did not spend on the refused one.
        var admissionElsewhere = new ConnectionAdmission(new ConnectionSettings { CreatesPerSecond = 0.001, CreateBurst = 1 }, 0);
        AssertAdmitted(Create("c", 1), admissionElsewhere.Offer(Create("c", 1), 0));
    }
}
