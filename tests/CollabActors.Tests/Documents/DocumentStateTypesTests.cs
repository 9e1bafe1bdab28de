using System.Text.Json;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText.Types;

namespace CollabActors.Tests.Documents;

/// <summary>A document of each type other than text-unicode: chosen at create, edited, transformed, refused, stored.</summary>
public class DocumentStateTypesTests
{
    private static readonly DocumentId Doc = new("notes", "n1");
    private const string Json0Uri = "http://sharejs.org/types/JSONv0";
    private const string RichTextUri = "http://sharejs.org/types/rich-text/v1";

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static EditChange Op(string json) => new(new UnreadOp(Json(json)));

    private static SubmitDecision Submit(DocumentState state, string src, long seq, long? version, OpChange change)
    {
        SubmitDecision decision = state.Decide(src, seq, version, change, 0);
        if (decision is SubmitDecision.Commit commit) state.Apply(commit.Op);
        return decision;
    }

    private static DocumentState Created(string type, string data)
    {
        var state = new DocumentState(Doc, DocumentSettings.Default);
        Assert.IsType<SubmitDecision.Commit>(Submit(state, "author", 1, null, new CreateChange(type, new JsonText(data))));
        return state;
    }

    private static ProtocolError Rejected(SubmitDecision decision) => Assert.IsType<SubmitDecision.Reject>(decision).Error;

    [Theory]
    [InlineData("json0", Json0Uri)]
    [InlineData(Json0Uri, Json0Uri)]
    [InlineData("rich-text", RichTextUri)]
    [InlineData(RichTextUri, RichTextUri)]
    [InlineData("text-unicode", "http://sharejs.org/types/text-unicode")]
    public void A_create_names_its_type_by_name_or_uri_and_is_committed_with_the_uri(string named, string uri)
    {
        var state = new DocumentState(Doc, DocumentSettings.Default);
        string data = uri == RichTextUri ? """[{"insert":"a\n"}]""" : uri == Json0Uri ? """{"a":1}""" : "\"a\"";
        var commit = Assert.IsType<SubmitDecision.Commit>(state.Decide("c", 1, 0, new CreateChange(named, new JsonText(data)), 0));
        Assert.Equal(uri, ((CreateChange)commit.Op.Change).Type);
        state.Apply(commit.Op);
        Assert.Equal(uri, state.Type);
    }

    [Fact]
    public void A_json0_document_takes_ShareDBs_transcript_op_and_a_concurrent_op_is_transformed()
    {
        DocumentState state = Created("json0", """{"title":"Plan","n":1,"tags":[]}""");
        Submit(state, "a", 2, 1, Op("""[{"p":["n"],"na":2},{"p":["title",4],"si":"!"},{"p":["tags",0],"li":"x"},{"p":["done"],"oi":false}]"""));
        // Made at version 1 too: transformed past the committed op ('left', as ShareDB's server does, so at the same
        // list index the incoming insert goes first, as ot-json0 says), and past the new key.
        var concurrent = Assert.IsType<SubmitDecision.Commit>(Submit(state, "b", 1, 1, Op("""[{"p":["tags",0],"li":"y"},{"p":["n"],"na":10}]""")));
        Assert.Equal("""[{"p":["tags",0],"li":"y"},{"p":["n"],"na":10}]""", ((EditChange)concurrent.Op.Change).Op.ToJson());
        Assert.Equal("""{"title":"Plan!","n":13,"tags":["y","x"],"done":false}""", state.Data);
        Assert.Equal(new WireSnapshot(2, Json0Uri, """{"title":"Plan!","n":3,"tags":["x"],"done":false}"""), state.SnapshotAt(2));
        Assert.Equal(new WireSnapshot(1, Json0Uri, """{"title":"Plan","n":1,"tags":[]}"""), state.SnapshotAt(1));
    }

    [Theory]
    [InlineData("""{"p":["n"],"na":1}""", "ERR_OT_OP_BADLY_FORMED")]            // not an array
    [InlineData("""[{"na":1}]""", "ERR_OT_OP_BADLY_FORMED")]                      // no path
    [InlineData("""[{"p":["n"],"xx":1}]""", "ERR_OT_OP_NOT_APPLIED")]            // no instruction (ot-json0's own check)
    [InlineData("""[{"p":["nothing","deeper"],"oi":1}]""", "ERR_OT_OP_NOT_APPLIED")] // a path into nothing
    [InlineData("""[{"p":["tags",5],"ld":"x"}]""", "ERR_OT_OP_NOT_APPLIED")]      // past the end of the list
    [InlineData("""[{"p":["title"],"od":"Other"}]""", "ERR_OT_OP_NOT_APPLIED")]   // a delete that does not match
    [InlineData("""[{"p":["tags",0],"ld":"y"}]""", "ERR_OT_OP_NOT_APPLIED")]      // a list delete that does not match
    [InlineData("""[{"p":["title",0],"sd":"X"}]""", "ERR_OT_OP_NOT_APPLIED")]     // a string delete that does not match
    [InlineData("""[{"p":["n"],"na":"1"}]""", "ERR_OT_OP_NOT_APPLIED")]          // na of a string
    [InlineData("""[{"p":["title"],"na":1}]""", "ERR_OT_OP_NOT_APPLIED")]        // na on a string
    public void A_json0_op_that_does_not_fit_is_refused_and_changes_nothing(string op, string code)
    {
        DocumentState state = Created("json0", """{"title":"Plan","n":1,"tags":["x"]}""");
        ProtocolError error = Rejected(Submit(state, "b", 1, 1, Op(op)));
        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Equal(new WireSnapshot(1, Json0Uri, """{"title":"Plan","n":1,"tags":["x"]}"""), state.Snapshot());
    }

    [Fact]
    public void A_json0_edit_growing_the_documents_json_past_the_size_limit_is_refused_and_one_that_fits_applies()
    {
        // {"t":"abc"} is 11 characters of JSON; the limit counts the JSON text, as it counts a create's data.
        var settings = new DocumentSettings { MaxDocumentUtf16Length = 16 };
        var state = new DocumentState(Doc, settings);
        Assert.IsType<SubmitDecision.Commit>(Submit(state, "author", 1, null, new CreateChange("json0", new JsonText("""{"t":"abc"}"""))));

        ProtocolError error = Rejected(Submit(state, "a", 1, 1, Op("""[{"p":["t",3],"si":"defgh!"}]""")));
        Assert.Equal(ProtocolErrorCodes.DocumentTooLarge, error.Code);
        Assert.Contains("17 characters of JSON", error.Message);
        Assert.Contains("at most 16", error.Message);
        Assert.Equal(new WireSnapshot(1, Json0Uri, """{"t":"abc"}"""), state.Snapshot());

        // An escape counts as JSON.stringify writes it: "\n" is two characters.
        Assert.Equal(ProtocolErrorCodes.DocumentTooLarge,
            Rejected(Submit(state, "a", 2, 1, Op("""[{"p":["t",3],"si":"defg\n"}]"""))).Code);
        Assert.IsType<SubmitDecision.Commit>(Submit(state, "a", 3, 1, Op("""[{"p":["t",3],"si":"defgh"}]""")));
        Assert.Equal("""{"t":"abcdefgh"}""", state.Data);
        // Shrinking, or changing nothing in size, still applies at the limit.
        Assert.IsType<SubmitDecision.Commit>(Submit(state, "a", 4, 2, Op("""[{"p":["t",0],"sd":"a"},{"p":["t",0],"si":"z"}]""")));
    }

    [Fact]
    public void A_json0_document_restored_from_a_snapshot_keeps_the_size_limit()
    {
        var settings = new DocumentSettings { MaxDocumentUtf16Length = 16 };
        var state = new DocumentState(Doc, settings);
        Submit(state, "author", 1, null, new CreateChange("json0", new JsonText("""{"t":"abc"}""")));
        var restored = new DocumentState(Doc, settings);
        restored.Restore(state.ToSnapshot());
        Assert.Equal(ProtocolErrorCodes.DocumentTooLarge,
            Rejected(Submit(restored, "a", 1, 1, Op("""[{"p":["u"],"oi":[1,2]}]"""))).Code);
        Assert.Equal("""{"t":"abc"}""", restored.Data);
    }

    [Fact]
    public void A_rich_text_document_applies_formatting_and_transforms_a_concurrent_insert()
    {
        DocumentState state = Created("rich-text", """[{"insert":"Hello\n"}]""");
        Submit(state, "a", 2, 1, Op("""[{"retain":5},{"insert":" world","attributes":{"bold":true}}]"""));
        var concurrent = Assert.IsType<SubmitDecision.Commit>(Submit(state, "b", 1, 1, Op("""{"ops":[{"retain":5},{"insert":"!"}]}""")));
        // The committed insert at the same place goes first (ShareDB transforms with 'left'); a transformed op is a Delta.
        Assert.Equal("""{"ops":[{"retain":11},{"insert":"!"}]}""", ((EditChange)concurrent.Op.Change).Op.ToJson());
        Assert.Equal("""{"ops":[{"insert":"Hello"},{"insert":" world","attributes":{"bold":true}},{"insert":"!\n"}]}""", state.Data);
        Assert.Equal(new WireSnapshot(1, RichTextUri, """{"ops":[{"insert":"Hello\n"}]}"""), state.SnapshotAt(1));
    }

    [Theory]
    [InlineData("""[{"retain":10},{"insert":"x"}]""")]       // retains past the end
    [InlineData("""[{"delete":7}]""")]                         // deletes past the end
    [InlineData("""[{"retain":-1}]""")]                        // not a length
    [InlineData("""[{"bogus":1}]""")]                          // not a delta op
    [InlineData("\"text\"")]                                   // not a delta
    public void A_rich_text_op_that_does_not_fit_is_refused_and_changes_nothing(string op)
    {
        DocumentState state = Created("rich-text", """[{"insert":"Hello\n"}]""");
        ProtocolError error = Rejected(Submit(state, "b", 1, 1, Op(op)));
        Assert.Equal(ProtocolErrorCodes.OpNotApplied, error.Code);
        Assert.Equal(new WireSnapshot(1, RichTextUri, """{"ops":[{"insert":"Hello\n"}]}"""), state.Snapshot());
    }

    [Fact]
    public void A_rich_text_create_whose_data_is_not_a_document_is_refused()
    {
        var state = new DocumentState(Doc, DocumentSettings.Default);
        Assert.Equal(ProtocolErrorCodes.OpBadlyFormed,
            Rejected(Submit(state, "a", 1, 0, new CreateChange("rich-text", new JsonText("""[{"retain":3}]""")))).Code);
        Assert.False(state.Exists);
    }

    [Fact]
    public void Rich_text_presence_moves_through_ops_but_json0_presence_cannot_be_moved()
    {
        DocumentState rich = Created("rich-text", """[{"insert":"Hello\n"}]""");
        Submit(rich, "a", 2, 1, Op("""[{"insert":">> "}]"""));
        Assert.True(rich.TryTransformPresence(Json("""{"index":2,"length":3}"""), 1, "b", out JsonElement? moved));
        Assert.Equal("""{"index":5,"length":3}""", moved!.Value.GetRawText());

        DocumentState json0 = Created("json0", """{"n":1}""");
        Assert.True(json0.TryTransformPresence(Json("""{"path":["n"]}"""), 1, "b", out JsonElement? same));
        Assert.Equal("""{"path":["n"]}""", same!.Value.GetRawText());
        Submit(json0, "a", 2, 1, Op("""[{"p":["n"],"na":1}]"""));
        Assert.False(json0.TryTransformPresence(Json("""{"path":["n"]}"""), 1, "b", out _));
    }

    [Theory]
    [InlineData("json0", """{"title":"Plan","tags":["é😀"]}""", """[{"p":["tags",0],"li":"x"}]""")]
    [InlineData("rich-text", """[{"insert":"Hé\n","attributes":{"bold":true}}]""", """[{"retain":1},{"insert":"x"}]""")]
    public void A_restored_snapshot_carries_on_as_the_document_it_was(string type, string data, string op)
    {
        DocumentState state = Created(type, data);
        Submit(state, "a", 2, 1, Op(op));
        var restored = new DocumentState(Doc, DocumentSettings.Default);
        restored.Restore(state.ToSnapshot());
        Assert.Equal((state.Version, state.Type, state.Data), (restored.Version, restored.Type, restored.Data));
        Assert.IsType<SubmitDecision.Commit>(Submit(restored, "b", 1, 2, Op(op)));
        Assert.IsType<SubmitDecision.Commit>(Submit(state, "b", 1, 2, Op(op)));
        Assert.Equal(state.Data, restored.Data);
    }

    [Fact]
    public void A_json0_op_cannot_edit_a_text_unicode_document()
    {
        DocumentState state = Created("text-unicode", "\"hello\"");
        Assert.Equal(ProtocolErrorCodes.OpBadlyFormed, Rejected(Submit(state, "b", 1, 1, Op("""[{"p":[0],"si":"x"}]"""))).Code);
        Assert.Equal("hello", state.Data);
    }
}
