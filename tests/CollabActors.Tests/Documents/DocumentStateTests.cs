using System.Text.Json;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;
using CollabText.Types;

namespace CollabActors.Tests.Documents;

/// <summary>DocumentState: ShareDB's submit rules and snapshot history, without actors. Expected results from ot-text-unicode 4.0.0.</summary>
public class DocumentStateTests
{
    private static readonly DocumentId Doc = new("docs", "d1");

    private static DocumentState NewState(DocumentSettings? settings = null) => new(Doc, settings ?? DocumentSettings.Default);

    private static CreateChange Create(string text) => new(TextUnicodeType.Uri, text);

    private static EditChange Edit(string json) => new(TextOp.Parse(json));

    /// <summary>Decides and, when the decision is to commit, applies; returns the decision.</summary>
    private static SubmitDecision Submit(DocumentState state, string src, long seq, long? version, OpChange change, long nowMs = 0)
    {
        SubmitDecision decision = state.Decide(src, seq, version, change, nowMs);
        if (decision is SubmitDecision.Commit commit) state.Apply(commit.Op);
        return decision;
    }

    private static CommittedOp Committed(SubmitDecision decision) => Assert.IsType<SubmitDecision.Commit>(decision).Op;

    private static ProtocolError Rejected(SubmitDecision decision) => Assert.IsType<SubmitDecision.Reject>(decision).Error;

    private static DocumentState StateWith(string text, DocumentSettings? settings = null)
    {
        DocumentState state = NewState(settings);
        Committed(Submit(state, "author", 1, 0, Create(text)));
        return state;
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void A_document_never_created_does_not_exist_at_version_0()
    {
        DocumentState state = NewState();
        Assert.False(state.Exists);
        Assert.Equal(new WireSnapshot(0, null, null), state.Snapshot());
    }

    [Fact]
    public void Create_makes_a_text_unicode_document_at_version_1()
    {
        DocumentState state = NewState();
        CommittedOp op = Committed(Submit(state, "a", 1, 0, Create("hello")));
        Assert.Equal(0, op.Version);
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "hello"), state.Snapshot());
    }

    [Fact]
    public void Create_accepts_the_short_type_name_too()
    {
        DocumentState state = NewState();
        Committed(Submit(state, "a", 1, null, new CreateChange(TextUnicodeType.Name, "x")));
        Assert.Equal(TextUnicodeType.Uri, state.Type);
    }

    [Fact]
    public void Create_of_an_unknown_type_is_rejected_and_the_document_stays_missing()
    {
        DocumentState state = NewState();
        ProtocolError error = Rejected(Submit(state, "a", 1, 0, new CreateChange("http://sharejs.org/types/nope", "x")));
        Assert.Equal(ProtocolErrorCodes.DocTypeNotRecognized, error.Code);
        Assert.Contains("nope", error.Message);
        Assert.Equal(new WireSnapshot(0, null, null), state.Snapshot());
    }

    [Theory]
    [InlineData("""{"d":1}""")]
    [InlineData("[true]")]
    [InlineData("""[{"x":1}]""")]
    [InlineData("[99999999999]")]
    [InlineData("""[{"p":["x"],"oi":1}]""")]
    public void An_op_that_is_not_a_text_unicode_op_is_refused_by_a_text_unicode_document_as_badly_formed(string op)
    {
        DocumentState state = StateWith("hello");
        ProtocolError error = Rejected(Submit(state, "b", 1, 1, new EditChange(new UnreadOp(Json(op)))));
        Assert.Equal(ProtocolErrorCodes.OpBadlyFormed, error.Code);
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "hello"), state.Snapshot());
    }

    [Fact]
    public void A_text_unicode_create_whose_data_is_not_a_string_is_refused()
    {
        DocumentState state = NewState();
        ProtocolError error = Rejected(Submit(state, "a", 1, 0, new CreateChange(TextUnicodeType.Name, new JsonText("""{"x":1}"""))));
        Assert.Equal(ProtocolErrorCodes.OpBadlyFormed, error.Code);
        Assert.False(state.Exists);
    }

    [Fact]
    public void Create_on_an_existing_document_is_rejected()
    {
        DocumentState state = StateWith("hello");
        Assert.Equal(ProtocolErrorCodes.DocAlreadyCreated, Rejected(Submit(state, "b", 1, 1, Create("other"))).Code);
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "hello"), state.Snapshot());
    }

    [Fact]
    public void Create_concurrent_with_another_create_is_rejected()
    {
        DocumentState state = StateWith("first");
        Assert.Equal(ProtocolErrorCodes.DocAlreadyCreated, Rejected(Submit(state, "b", 1, 0, Create("second"))).Code);
        Assert.Equal("first", state.Data);
    }

    [Fact]
    public void An_edit_on_a_missing_document_is_rejected()
    {
        DocumentState state = NewState();
        Assert.Equal(ProtocolErrorCodes.DocDoesNotExist, Rejected(Submit(state, "a", 1, 0, Edit("""["x"]"""))).Code);
        Assert.Equal(0, state.Version);
    }

    [Fact]
    public void An_edit_at_the_current_version_applies_as_sent()
    {
        DocumentState state = StateWith("hello");
        CommittedOp op = Committed(Submit(state, "a", 2, 1, Edit("""[5," world"]""")));
        Assert.Equal(1, op.Version);
        Assert.Equal(Edit("""[5," world"]"""), op.Change);
        Assert.Equal(new WireSnapshot(2, TextUnicodeType.Uri, "hello world"), state.Snapshot());
    }

    [Fact]
    public void Positions_count_code_points_not_utf16_units()
    {
        DocumentState state = StateWith("😀b");
        Committed(Submit(state, "a", 2, 1, Edit("""[1,"-"]""")));
        Assert.Equal("😀-b", state.Data);
    }

    [Fact]
    public void Delete_removes_the_document_and_a_later_create_continues_its_versions()
    {
        DocumentState state = StateWith("hello");
        Committed(Submit(state, "a", 2, 1, DeleteChange.Instance));
        Assert.Equal(new WireSnapshot(2, null, null), state.Snapshot());
        Assert.Equal(ProtocolErrorCodes.DocDoesNotExist, Rejected(Submit(state, "a", 3, 2, DeleteChange.Instance)).Code);
        Committed(Submit(state, "a", 4, 2, Create("again")));
        Assert.Equal(new WireSnapshot(3, TextUnicodeType.Uri, "again"), state.Snapshot());
    }

    [Fact]
    public void An_edit_concurrent_with_a_delete_is_rejected()
    {
        DocumentState state = StateWith("hello");
        Committed(Submit(state, "a", 2, 1, DeleteChange.Instance));
        Assert.Equal(ProtocolErrorCodes.DocWasDeleted, Rejected(Submit(state, "b", 1, 1, Edit("""["x"]"""))).Code);
        Assert.Equal(2, state.Version);
    }

    [Fact]
    public void An_op_is_transformed_past_every_op_committed_since_its_base_version()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));       // v1 -> "Xabc"
        Committed(Submit(state, "a", 3, 2, Edit("""[1,{"d":1}]""")));  // v2 -> "Xbc"
        // b saw "abc" at v1 and appended "Y": the reference transforms [3,"Y"] past both to [3,"Y"] on "Xbc".
        CommittedOp op = Committed(Submit(state, "b", 1, 1, Edit("""[3,"Y"]""")));
        Assert.Equal(3, op.Version);
        Assert.Equal(Edit("""[3,"Y"]"""), op.Change);
        Assert.Equal("XbcY", state.Data);
        Assert.Equal(4, state.Version);
    }

    [Fact]
    public void Concurrent_inserts_at_the_same_position_put_the_later_submit_first()
    {
        // ShareDB transforms the incoming op with side 'left': ot-text-unicode gives transform(["Y"], ["X"], "left") = ["Y"].
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));
        Committed(Submit(state, "b", 1, 1, Edit("""["Y"]""")));
        Assert.Equal("YXabc", state.Data);
    }

    [Fact]
    public void A_delete_overlapping_a_concurrent_insert_deletes_around_it()
    {
        // Reference: transform([1,{d:2}], [2,"ZZ"], "left") = [1,{d:1},2,{d:1}].
        DocumentState state = StateWith("abcd");
        Committed(Submit(state, "a", 2, 1, Edit("""[2,"ZZ"]""")));  // "abZZcd"
        CommittedOp op = Committed(Submit(state, "b", 1, 1, Edit("""[1,{"d":2}]""")));
        Assert.Equal(Edit("""[1,{"d":1},2,{"d":1}]"""), op.Change);
        Assert.Equal("aZZd", state.Data);
    }

    [Fact]
    public void A_resend_with_the_same_src_and_seq_is_already_committed_and_applies_nothing()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));
        Committed(Submit(state, "b", 1, 2, Edit("""["Y"]""")));
        SubmitDecision resend = Submit(state, "a", 2, 1, Edit("""["X"]"""));
        Assert.Equal(new SubmitDecision.AlreadyCommitted(1), resend);
        Assert.Equal("YXabc", state.Data);
        Assert.Equal(3, state.Version);
    }

    [Fact]
    public void The_same_seq_from_another_src_is_a_different_op()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));
        Committed(Submit(state, "b", 2, 1, Edit("""["X"]""")));
        Assert.Equal("XXabc", state.Data);
    }

    [Fact]
    public void A_base_version_ahead_of_the_document_is_rejected()
    {
        DocumentState state = StateWith("abc");
        ProtocolError error = Rejected(Submit(state, "a", 2, 5, Edit("""["X"]""")));
        Assert.Equal(ProtocolErrorCodes.OpVersionNewerThanCurrentSnapshot, error.Code);
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "abc"), state.Snapshot());
    }

    [Fact]
    public void A_negative_base_version_is_rejected()
    {
        DocumentState state = StateWith("abc");
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, Rejected(Submit(state, "a", 2, -1, Edit("""["X"]"""))).Code);
    }

    [Theory]
    [InlineData("""[4,"X"]""")]        // skips past the end
    [InlineData("""[1,{"d":5}]""")]    // deletes past the end
    public void An_op_that_does_not_fit_the_document_is_rejected_and_changes_nothing(string op)
    {
        DocumentState state = StateWith("abc");
        ProtocolError error = Rejected(Submit(state, "a", 2, 1, Edit(op)));
        Assert.Equal(ProtocolErrorCodes.OpNotApplied, error.Code);
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "abc"), state.Snapshot());
        Assert.Single(state.OpsSince(0)!);
    }

    [Fact]
    public void A_create_over_the_size_limit_is_rejected()
    {
        DocumentState state = NewState(new DocumentSettings { MaxDocumentUtf16Length = 10 });
        Assert.Equal(ProtocolErrorCodes.DocumentTooLarge, Rejected(Submit(state, "a", 1, 0, Create("12345678901"))).Code);
        Assert.False(state.Exists);
    }

    [Fact]
    public void An_edit_growing_the_document_past_the_size_limit_is_rejected_and_one_that_fits_applies()
    {
        DocumentState state = StateWith("12345678", new DocumentSettings { MaxDocumentUtf16Length = 10 });
        Assert.Equal(ProtocolErrorCodes.DocumentTooLarge, Rejected(Submit(state, "a", 2, 1, Edit("""[8,"abc"]"""))).Code);
        Assert.Equal("12345678", state.Data);
        Committed(Submit(state, "a", 3, 1, Edit("""[8,"ab"]""")));
        Assert.Equal("12345678ab", state.Data);
    }

    [Fact]
    public void The_size_limit_counts_utf16_units()
    {
        // "😀" is one code point but two UTF-16 units.
        DocumentState state = StateWith("123456789", new DocumentSettings { MaxDocumentUtf16Length = 10 });
        Assert.Equal(ProtocolErrorCodes.DocumentTooLarge, Rejected(Submit(state, "a", 2, 1, Edit("""[9,"😀"]"""))).Code);
    }

    [Fact]
    public void OpsSince_lists_the_committed_ops_oldest_first()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));
        Committed(Submit(state, "b", 1, 2, Edit("""["Y"]""")));
        IReadOnlyList<CommittedOp> ops = state.OpsSince(1)!;
        Assert.Equal([1L, 2L], ops.Select(o => o.Version));
        Assert.Equal(["a", "b"], ops.Select(o => o.Src));
        Assert.Empty(state.OpsSince(3)!);
        Assert.Null(state.OpsSince(4));
    }

    [Fact]
    public void Snapshots_at_past_versions_replay_edits_deletes_and_creates_backwards()
    {
        DocumentState state = StateWith("a");                            // v1 "a"
        Committed(Submit(state, "a", 2, 1, Edit("""[1,"b😀"]""")));       // v2 "ab😀"
        Committed(Submit(state, "a", 3, 2, Edit("""[{"d":1}]""")));       // v3 "b😀"
        Committed(Submit(state, "a", 4, 3, DeleteChange.Instance));       // v4 none
        Committed(Submit(state, "a", 5, 4, Create("new")));              // v5 "new"

        Assert.Equal(new WireSnapshot(0, null, null), state.SnapshotAt(0));
        Assert.Equal(new WireSnapshot(1, TextUnicodeType.Uri, "a"), state.SnapshotAt(1));
        Assert.Equal(new WireSnapshot(2, TextUnicodeType.Uri, "ab😀"), state.SnapshotAt(2));
        Assert.Equal(new WireSnapshot(3, TextUnicodeType.Uri, "b😀"), state.SnapshotAt(3));
        Assert.Equal(new WireSnapshot(4, null, null), state.SnapshotAt(4));
        Assert.Equal(new WireSnapshot(5, TextUnicodeType.Uri, "new"), state.SnapshotAt(5));
        Assert.Equal(new WireSnapshot(5, TextUnicodeType.Uri, "new"), state.SnapshotAt(99));
        Assert.Equal("new", state.Data); // looking back changes nothing
    }

    [Fact]
    public void Past_the_op_log_capacity_old_versions_are_answered_with_clear_refusals()
    {
        DocumentState state = StateWith("", new DocumentSettings { OpLogCapacity = 4 });
        for (int i = 0; i < 20; i++) Committed(Submit(state, "a", 2 + i, state.Version, Edit("""["x"]""")));
        Assert.Equal(21, state.Version);
        Assert.True(state.OldestLoggedVersion > 0 && state.OldestLoggedVersion <= 21 - 4);

        Assert.Null(state.SnapshotAt(0));
        Assert.Null(state.OpsSince(0));
        // A submit that old needs the ops before the log from the journal (issue 4); without them it is refused.
        Assert.Equal(new SubmitDecision.NeedOlderOps(0), state.Decide("b", 1, 0, Edit("""["y"]"""), 0));
        Assert.Equal(ProtocolErrorCodes.OpVersionTooOld, Rejected(state.Decide("b", 1, 0, Edit("""["y"]"""), 0, [])).Code);

        long oldest = state.OldestLoggedVersion;
        Assert.Equal(new string('x', (int)oldest - 1), state.SnapshotAt(oldest)!.Data);
        Assert.Equal(21 - oldest, state.OpsSince(oldest)!.Count);
    }

    [Fact]
    public void The_op_log_is_bounded_by_bytes_as_well_as_by_count_and_keeps_the_newest_op()
    {
        DocumentState state = StateWith("", new DocumentSettings { OpLogMaxBytes = 4_000_000 });
        string paste = new('p', 200_000);
        // Paste and delete again, 60 times: each pair holds the text twice (inserted, and deleted as undo).
        for (int i = 0; i < 60; i++)
        {
            Committed(Submit(state, "a", 2 + 2 * i, state.Version, new EditChange(TextOp.InsertAt(0, paste))));
            Committed(Submit(state, "a", 3 + 2 * i, state.Version, new EditChange(TextOp.DeleteAt(0, paste.Length))));
        }
        Assert.Equal(121, state.Version);
        Assert.InRange(state.OpLogBytes, 1, 4_000_000);
        Assert.True(state.OldestLoggedVersion > 100, $"oldest logged {state.OldestLoggedVersion}");
        // What is kept still works: snapshots at kept versions, catch-up from them.
        Assert.Equal(paste, state.SnapshotAt(120)!.Data);
        Assert.Equal(121 - state.OldestLoggedVersion, state.OpsSince(state.OldestLoggedVersion)!.Count);

        // One op larger than the bound alone is still kept: the newest op always stays.
        var tiny = StateWith("", new DocumentSettings { OpLogMaxBytes = 1_000 });
        Committed(Submit(tiny, "a", 2, 1, new EditChange(TextOp.InsertAt(0, paste))));
        Assert.Single(tiny.OpsSince(1)!);
    }

    [Fact]
    public void VersionAt_is_the_version_the_document_had_at_a_time()
    {
        DocumentState state = NewState();
        Committed(Submit(state, "a", 1, 0, Create("a"), nowMs: 100));
        Committed(Submit(state, "a", 2, 1, Edit("""["b"]"""), nowMs: 200));
        Committed(Submit(state, "a", 3, 2, Edit("""["c"]"""), nowMs: 300));
        Assert.Equal(0, state.VersionAt(50));
        Assert.Equal(1, state.VersionAt(100));
        Assert.Equal(2, state.VersionAt(250));
        Assert.Equal(3, state.VersionAt(300));
        Assert.Equal(3, state.VersionAt(10_000));
        Assert.Equal("ba", state.SnapshotAt(state.VersionAt(250)!.Value)!.Data);
    }

    [Fact]
    public void VersionAt_a_time_older_than_the_log_is_unknown()
    {
        DocumentState state = StateWith("", new DocumentSettings { OpLogCapacity = 2 });
        for (int i = 0; i < 10; i++) Committed(Submit(state, "a", 2 + i, state.Version, Edit("""["x"]"""), nowMs: 1000 + i));
        Assert.Null(state.VersionAt(0));
        Assert.Equal(state.Version, state.VersionAt(5000));
    }

    [Fact]
    public void Replaying_the_committed_ops_rebuilds_the_same_document()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));
        Committed(Submit(state, "b", 1, 1, Edit("""[3,"Y"]""")));
        Committed(Submit(state, "c", 1, 2, Edit("""[{"d":2}]""")));

        DocumentState replayed = NewState();
        foreach (CommittedOp op in state.OpsSince(0)!) replayed.Apply(op);
        Assert.Equal(state.Snapshot(), replayed.Snapshot());
    }

    [Fact]
    public void Apply_refuses_an_op_committed_at_another_version()
    {
        DocumentState state = StateWith("abc");
        var stray = new CommittedOp(5, "a", 9, Edit("""["x"]"""), 0);
        Assert.Throws<InvalidOperationException>(() => state.Apply(stray));
        Assert.Equal(1, state.Version);
    }

    [Fact]
    public void A_cursor_made_at_an_older_version_moves_through_the_ops_since()
    {
        DocumentState state = StateWith("hello");
        Committed(Submit(state, "a", 2, 1, Edit("""["12"]""")));        // v2 "12hello"
        Committed(Submit(state, "a", 3, 2, Edit("""[7,"!"]""")));       // v3, after the cursor
        JsonElement moved = state.TransformPresence(Json("""{"index":3,"name":"bob"}"""), 1)!.Value;
        Assert.Equal(5, moved.GetProperty("index").GetInt32());
        Assert.Equal("bob", moved.GetProperty("name").GetString());
    }

    [Fact]
    public void An_insert_exactly_at_a_cursor_leaves_it_in_place()
    {
        // Reference: transformPosition(5, [5,"xx"]) = 5, transformPosition(5, [4,"xx"]) = 7.
        DocumentState state = StateWith("hello world");
        Committed(Submit(state, "a", 2, 1, Edit("""[5,"xx"]""")));
        Assert.Equal(5, state.TransformPresence(Json("""{"index":5}"""), 1)!.Value.GetProperty("index").GetInt32());
    }

    [Fact]
    public void A_selection_has_both_ends_moved_and_keeps_its_other_properties()
    {
        DocumentState state = StateWith("abcdefgh");
        Committed(Submit(state, "a", 2, 1, Edit("""[2,{"d":4}]""")));   // "abgh"
        // A selection [3, 7) "defg": its start is pulled to 2 (reference: transformPosition(3, [2,{d:4}]) = 2),
        // its end to 3 (transformPosition(7, ...) = 3): what is left of it is "g".
        JsonElement moved = state.TransformPresence(Json("""{"index":3,"length":4,"color":"#f00","extra":{"k":[1,2]}}"""), 1)!.Value;
        Assert.Equal(2, moved.GetProperty("index").GetInt32());
        Assert.Equal(1, moved.GetProperty("length").GetInt32());
        Assert.Equal("#f00", moved.GetProperty("color").GetString());
        Assert.Equal("""{"k":[1,2]}""", moved.GetProperty("extra").GetRawText());
    }

    [Fact]
    public void Presence_at_the_current_version_and_values_without_an_index_pass_unchanged()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, Edit("""["X"]""")));
        Assert.Equal("""{"index":1}""", state.TransformPresence(Json("""{"index":1}"""), 2)!.Value.GetRawText());
        Assert.Equal("""{"name":"x"}""", state.TransformPresence(Json("""{"name":"x"}"""), 1)!.Value.GetRawText());
        Assert.Equal("\"text\"", state.TransformPresence(Json("\"text\""), 1)!.Value.GetRawText());
        Assert.Null(state.TransformPresence(null, 1));
    }

    [Fact]
    public void Presence_across_a_delete_or_create_is_cleared()
    {
        DocumentState state = StateWith("abc");
        Committed(Submit(state, "a", 2, 1, DeleteChange.Instance));
        Assert.Null(state.TransformPresence(Json("""{"index":1}"""), 1));
        Assert.Null(state.TransformPresence(Json("""{"index":0}"""), 0)); // made before the create
    }

    [Fact]
    public void Presence_older_than_the_op_log_is_cleared()
    {
        DocumentState state = StateWith("", new DocumentSettings { OpLogCapacity = 2 });
        for (int i = 0; i < 10; i++) Committed(Submit(state, "a", 2 + i, state.Version, Edit("""["x"]""")));
        Assert.Null(state.TransformPresence(Json("""{"index":0}"""), 1));
    }
}
