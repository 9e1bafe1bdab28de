using CollabClient;
using CollabLoad.Runs;

namespace CollabLoad.Tests.Runs;

public sealed class FailoverCheckTests
{
    private const long KilledAt = 1_000_000;

    private static LocalOpAcknowledged AckOfOpSentAt(long sentTimestamp) =>
        new("src", Seq: 1, Version: 7, EditCount: 1, FirstEditTimestamp: sentTimestamp - 10, SentTimestamp: sentTimestamp);

    [Fact]
    public void An_ack_of_an_op_sent_before_the_kill_does_not_show_its_document_back_even_when_it_arrives_after_it()
    {
        // The killed node acked it just before it died; the ack is only delivered after the kill.
        Assert.False(FailoverCheck.ShowsRecovery(AckOfOpSentAt(KilledAt - 1), KilledAt));
    }

    [Fact]
    public void An_ack_of_an_op_sent_or_resent_after_the_kill_shows_its_document_back()
    {
        Assert.True(FailoverCheck.ShowsRecovery(AckOfOpSentAt(KilledAt + 1), KilledAt));
    }

    [Fact]
    public void Without_a_kill_no_ack_shows_a_recovery()
    {
        Assert.False(FailoverCheck.ShowsRecovery(AckOfOpSentAt(KilledAt + 1), killedAt: 0));
    }
}
