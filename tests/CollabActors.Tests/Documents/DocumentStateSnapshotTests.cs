using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Documents;

/// <summary>DocumentState across a snapshot: restore, dedupe of resends, and deciding with ops read from the journal.</summary>
public sealed class DocumentStateSnapshotTests
{
    private static readonly DocumentId Doc = new("notes", "a");

    private static (DocumentState State, List<CommittedOp> Journal) Written(int edits, DocumentSettings? settings = null)
    {
        var state = new DocumentState(Doc, settings ?? DocumentSettings.Default);
        var journal = new List<CommittedOp>();
        Commit(state, journal, "author", 1, null, new CreateChange(TextUnicodeType.Uri, ""));
        for (int i = 0; i < edits; i++)
            Commit(state, journal, i % 2 == 0 ? "even" : "odd", 2 + i, state.Version, new EditChange(TextOp.InsertAt(0, i.ToString())));
        return (state, journal);
    }

    private static void Commit(DocumentState state, List<CommittedOp> journal, string src, long seq, long? version, OpChange change)
    {
        var commit = Assert.IsType<SubmitDecision.Commit>(state.Decide(src, seq, version, change, 1000 + journal.Count));
        state.Apply(commit.Op);
        journal.Add(commit.Op);
    }

    [Fact]
    public void A_restored_snapshot_has_the_same_text_version_and_type()
    {
        var (state, _) = Written(20);
        var restored = new DocumentState(Doc, DocumentSettings.Default);
        restored.Restore(state.ToSnapshot());
        Assert.Equal(state.Snapshot(), restored.Snapshot());
        Assert.Equal(restored.Version, restored.OldestLoggedVersion);
    }

    [Fact]
    public void A_resend_after_restore_is_acknowledged_at_its_version_not_applied_again()
    {
        var (state, _) = Written(20);
        var restored = new DocumentState(Doc, DocumentSettings.Default);
        restored.Restore(state.ToSnapshot());

        // "odd" last committed seq 21 at version 20; it resends it on its old base version 19.
        var decision = restored.Decide("odd", 21, 19, new EditChange(TextOp.InsertAt(0, "19")), 0);

        Assert.Equal(new SubmitDecision.AlreadyCommitted(20), decision);
    }

    [Fact]
    public void Replaying_the_journal_remembers_submitters_too()
    {
        var (_, journal) = Written(5);
        var replayed = new DocumentState(Doc, DocumentSettings.Default with { OpLogCapacity = 1 });
        foreach (CommittedOp op in journal) replayed.Apply(op);
        // "even" last committed seq 6 (edit 4) at version 5.
        Assert.Equal(new SubmitDecision.AlreadyCommitted(5), replayed.Decide("even", 6, 0, new EditChange(TextOp.InsertAt(0, "x")), 0));
    }

    [Fact]
    public void A_submit_older_than_the_log_asks_for_older_ops_and_is_transformed_past_them()
    {
        var (state, journal) = Written(10);
        var restored = new DocumentState(Doc, DocumentSettings.Default);
        restored.Restore(state.ToSnapshot());
        var late = new EditChange(TextOp.InsertAt(0, "L"));

        Assert.Equal(new SubmitDecision.NeedOlderOps(5), restored.Decide("late", 1, 5, late, 0));
        var commit = Assert.IsType<SubmitDecision.Commit>(restored.Decide("late", 1, 5, late, 0, journal.Skip(5).ToArray()));

        var reference = Assert.IsType<SubmitDecision.Commit>(state.Decide("late", 1, 5, late, 0));
        Assert.Equal(reference.Op.Version, commit.Op.Version);
        Assert.Equal(((EditChange)reference.Op.Change).Op, ((EditChange)commit.Op.Change).Op);
    }

    [Fact]
    public void Older_ops_that_do_not_reach_the_log_are_refused_as_too_old()
    {
        var (state, journal) = Written(10);
        var restored = new DocumentState(Doc, DocumentSettings.Default);
        restored.Restore(state.ToSnapshot());
        var decision = restored.Decide("late", 1, 5, new EditChange(TextOp.InsertAt(0, "L")), 0, journal.Skip(5).Take(3).ToArray());
        Assert.Equal(ProtocolErrorCodes.OpVersionTooOld, Assert.IsType<SubmitDecision.Reject>(decision).Error.Code);
    }

    [Fact]
    public void Only_the_most_recent_submitters_are_kept()
    {
        var state = new DocumentState(Doc, DocumentSettings.Default with { RecentSubmittersKept = 4 });
        var journal = new List<CommittedOp>();
        Commit(state, journal, "s0", 1, null, new CreateChange(TextUnicodeType.Uri, ""));
        for (int i = 1; i < 40; i++) Commit(state, journal, "s" + i, 1, state.Version, new EditChange(TextOp.InsertAt(0, "x")));

        DocumentSnapshot snapshot = state.ToSnapshot();
        Assert.InRange(snapshot.RecentSubmitters.Count, 4, 6);
        Assert.Contains(snapshot.RecentSubmitters, e => e.Src == "s39" && e.Version == 39);
        Assert.DoesNotContain(snapshot.RecentSubmitters, e => e.Src == "s0");
    }
}
