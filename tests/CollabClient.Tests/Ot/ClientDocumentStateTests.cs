using CollabText;
using CollabClient.Ot;

namespace CollabClient.Tests.Ot;

public sealed class ClientDocumentStateTests
{
    private static ClientDocumentState Loaded(string text, long version = 3)
    {
        var state = new ClientDocumentState();
        state.LoadSnapshot(version, text);
        return state;
    }

    [Fact]
    public void Later_local_edits_compose_into_one_pending_op_while_one_is_in_flight()
    {
        ClientDocumentState state = Loaded("hello");
        state.ApplyLocal(TextOp.InsertAt(5, "!"));
        Assert.NotNull(state.StartNextSend(1));
        state.ApplyLocal(TextOp.InsertAt(0, "a"));
        state.ApplyLocal(TextOp.InsertAt(1, "b"));
        Assert.Null(state.StartNextSend(2));
        Assert.Equal(TextOp.InsertAt(0, "ab"), state.Pending);
        Assert.Equal("abhello!", state.Text);
    }

    [Fact]
    public void A_local_edit_that_does_not_fit_the_text_throws_and_changes_nothing()
    {
        ClientDocumentState state = Loaded("abc");
        state.ApplyLocal(TextOp.InsertAt(0, "x"));
        Assert.ThrowsAny<TextOpException>(() => state.ApplyLocal(TextOp.DeleteAt(2, 10)));
        Assert.Equal("xabc", state.Text);
        Assert.Equal(TextOp.InsertAt(0, "x"), state.Pending);
    }

    [Fact]
    public void A_malformed_local_edit_throws_and_changes_nothing()
    {
        ClientDocumentState state = Loaded("abc");
        Assert.Throws<InvalidOpComponentException>(() => state.ApplyLocal(new TextOp([OpComponent.Skip(1)])));
        Assert.Equal("abc", state.Text);
        Assert.Null(state.Pending);
    }

    [Fact]
    public void Editing_a_document_that_does_not_exist_is_refused()
    {
        var state = new ClientDocumentState();
        state.LoadSnapshot(0, null);
        Assert.Throws<InvalidOperationException>(() => state.ApplyLocal(TextOp.InsertAt(0, "x")));
    }

    [Fact]
    public void A_remote_op_older_than_the_local_version_is_ignored()
    {
        ClientDocumentState state = Loaded("abc", version: 5);
        Assert.Equal(RemoteOpOutcome.AlreadyHave, state.ApplyRemote(4, TextOp.InsertAt(0, "z"), out _));
        Assert.Equal("abc", state.Text);
        Assert.Equal(5, state.Version);
    }

    [Fact]
    public void A_remote_op_past_the_next_version_is_reported_as_a_gap_and_not_applied()
    {
        ClientDocumentState state = Loaded("abc", version: 5);
        Assert.Equal(RemoteOpOutcome.Gap, state.ApplyRemote(7, TextOp.InsertAt(0, "z"), out _));
        Assert.Equal("abc", state.Text);
    }

    [Fact]
    public void A_remote_op_that_does_not_fit_throws_and_changes_nothing()
    {
        ClientDocumentState state = Loaded("abc", version: 5);
        state.ApplyLocal(TextOp.InsertAt(0, "x"));
        Assert.ThrowsAny<TextOpException>(() => state.ApplyRemote(5, TextOp.DeleteAt(1, 9), out _));
        Assert.Equal("xabc", state.Text);
        Assert.Equal(5, state.Version);
        Assert.Equal(TextOp.InsertAt(0, "x"), state.Pending);
    }

    [Fact]
    public void Acknowledging_with_nothing_in_flight_is_refused()
    {
        ClientDocumentState state = Loaded("abc");
        Assert.Throws<InvalidOperationException>(() => state.Acknowledge(3));
    }

    [Fact]
    public void Loading_a_snapshot_over_unacknowledged_ops_is_refused()
    {
        ClientDocumentState state = Loaded("abc");
        state.ApplyLocal(TextOp.InsertAt(0, "x"));
        Assert.Throws<InvalidOperationException>(() => state.LoadSnapshot(9, "other"));
        Assert.Equal("xabc", state.Text);
    }

    [Fact]
    public void The_inflight_op_keeps_the_src_it_was_first_sent_under()
    {
        ClientDocumentState state = Loaded("abc");
        state.ApplyLocal(TextOp.InsertAt(0, "x"));
        state.StartNextSend(7);
        state.MarkInflightSent("first-id");
        state.MarkInflightSent("id-after-reconnect");
        Assert.Equal("first-id", state.Inflight!.Src);
        Assert.True(state.IsInflight("first-id", 7));
        Assert.False(state.IsInflight("someone-else", 7));
        Assert.False(state.IsInflight("first-id", 8));
    }
}
