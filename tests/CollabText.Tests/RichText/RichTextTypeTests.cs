using System.Text.Json;
using CollabText.RichText;

namespace CollabText.Tests.RichText;

public sealed class RichTextTypeTests
{
    private static Delta D(string json) => Delta.Parse(json);

    private static JsonElement J(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    [Fact]
    public void A_delta_reads_from_a_bare_array_or_an_ops_object_and_writes_as_an_ops_object()
    {
        Delta fromArray = D("""[{"insert":"Hi","attributes":{"bold":true}},{"insert":{"image":"a.png"}},{"insert":"\n"}]""");
        Delta fromObject = D("""{"ops":[{"attributes":{"bold":true},"insert":"Hi"},{"insert":{"image":"a.png"}},{"insert":"\n"}]}""");
        Assert.Equal(fromArray, fromObject);
        Assert.Equal("""{"ops":[{"insert":"Hi","attributes":{"bold":true}},{"insert":{"image":"a.png"}},{"insert":"\n"}]}""", fromArray.ToJson());
    }

    [Fact]
    public void Lengths_are_utf16_units_and_an_embed_counts_one()
    {
        Assert.Equal(6, D("""[{"insert":"a😀"},{"insert":{"image":"x"}},{"insert":"é\n"}]""").Length);
    }

    [Theory]
    [InlineData("5", "must be an array of ops")]
    [InlineData("""{"ops":5}""", "\"ops\" must be an array")]
    [InlineData("""{"ops":[],"extra":1}""", "found property \"extra\"")]
    [InlineData("[null]", "index 0: an op must be an object")]
    [InlineData("""[{"retain":0}]""", "retain must be a positive integer")]
    [InlineData("""[{"retain":1.5}]""", "retain must be a positive integer")]
    [InlineData("""[{"delete":-1}]""", "delete must be a positive integer")]
    [InlineData("""[{"retain":1e10}]""", "longer than the largest delta")]
    [InlineData("""[{"insert":""}]""", "an insert cannot be empty")]
    [InlineData("""[{"insert":5}]""", "non-empty string or an embed object")]
    [InlineData("""[{"retain":1,"delete":1}]""", "exactly one of insert, retain and delete")]
    [InlineData("""[{}]""", "exactly one of insert, retain and delete")]
    [InlineData("""[{"insert":"a","bold":true}]""", "unknown property \"bold\"")]
    [InlineData("""[{"insert":"a","attributes":"bold"}]""", "attributes must be an object")]
    [InlineData("""[{"delete":1,"attributes":{"bold":true}}]""", "a delete has no attributes")]
    [InlineData("""[{"insert":"\ud83d"}]""", "index 0")]
    [InlineData("""[{"insert":"a"}""", "not valid JSON")]
    public void A_delta_of_the_wrong_shape_is_refused_with_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<InvalidDeltaException>(() => D(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Empty_attributes_are_no_attributes()
    {
        Assert.Equal(D("""[{"insert":"a"}]"""), D("""[{"insert":"a","attributes":{}}]"""));
    }

    [Fact]
    public void Apply_formats_inserts_and_deletes()
    {
        Delta doc = D("""[{"insert":"Hello world\n"}]""");
        Delta op = D("""[{"retain":6,"attributes":{"bold":true}},{"delete":5},{"insert":"there","attributes":{"italic":true}}]""");
        Assert.Equal(D("""[{"insert":"Hello ","attributes":{"bold":true}},{"insert":"there","attributes":{"italic":true}},{"insert":"\n"}]"""),
            RichTextType.Apply(doc, op));
    }

    [Fact]
    public void A_null_attribute_on_a_retain_removes_the_format()
    {
        Delta doc = D("""[{"insert":"ab","attributes":{"bold":true,"color":"red"}}]""");
        Assert.Equal(D("""[{"insert":"a","attributes":{"color":"red"}},{"insert":"b","attributes":{"bold":true,"color":"red"}}]"""),
            RichTextType.Apply(doc, D("""[{"retain":1,"attributes":{"bold":null}}]""")));
    }

    [Fact]
    public void Apply_refuses_an_op_past_the_end_and_leaves_the_document_as_it_was()
    {
        Delta doc = D("""[{"insert":"ab"}]""");
        string before = doc.ToJson();
        var e = Assert.Throws<DeltaTooLongException>(() => RichTextType.Apply(doc, D("""[{"retain":1},{"delete":2}]""")));
        Assert.Equal(3, e.OpLength);
        Assert.Equal(2, e.DocumentLength);
        Assert.Equal(before, doc.ToJson());
    }

    [Fact]
    public void Apply_refuses_a_document_that_holds_retains()
    {
        Assert.Throws<InvalidDeltaException>(() => RichTextType.Apply(D("""[{"insert":"ab"},{"retain":2}]"""), D("[]")));
    }

    [Fact]
    public void An_op_that_cuts_an_astral_character_in_two_is_refused()
    {
        Delta doc = D("""[{"insert":"a😀"}]""");
        Assert.Throws<SurrogatePairSplitException>(() => RichTextType.Apply(doc, D("""[{"retain":2},{"insert":"x"}]""")));
        Assert.Throws<SurrogatePairSplitException>(() => RichTextType.Apply(doc, D("""[{"retain":2},{"delete":1}]""")));
        Assert.Equal(D("""[{"insert":"a😀x"}]"""), RichTextType.Apply(doc, D("""[{"retain":3},{"insert":"x"}]""")));
    }

    [Fact]
    public void With_left_the_other_ops_insert_goes_first_as_rich_text_maps_the_side()
    {
        Delta op = D("""[{"insert":"a"}]"""), other = D("""[{"insert":"b"}]""");
        Assert.Equal(D("""[{"retain":1},{"insert":"a"}]"""), RichTextType.Transform(op, other, TransformSide.Left));
        Assert.Equal(D("""[{"insert":"a"}]"""), RichTextType.Transform(op, other, TransformSide.Right));
    }

    [Fact]
    public void With_left_the_other_ops_format_wins_a_conflict()
    {
        Delta op = D("""[{"retain":2,"attributes":{"color":"red"}}]"""), other = D("""[{"retain":2,"attributes":{"color":"blue"}}]""");
        Assert.Equal(Delta.Empty, RichTextType.Transform(op, other, TransformSide.Left));
        Assert.Equal(op, RichTextType.Transform(op, other, TransformSide.Right));
    }

    [Fact]
    public void Invert_restores_deleted_text_with_its_formats_and_undoes_a_format()
    {
        Delta doc = D("""[{"insert":"ab","attributes":{"bold":true}},{"insert":"cd\n"}]""");
        Delta op = D("""[{"delete":1},{"retain":2,"attributes":{"italic":true,"bold":null}}]""");
        Delta inverse = RichTextType.Invert(op, doc);
        Assert.Equal(D("""[{"insert":"a","attributes":{"bold":true}},{"retain":1,"attributes":{"italic":null,"bold":true}},{"retain":1,"attributes":{"italic":null,"bold":null}}]"""), inverse);
        Assert.Equal(doc, RichTextType.Apply(RichTextType.Apply(doc, op), inverse));
    }

    [Fact]
    public void Invert_needs_a_base_document_at_least_as_long_as_the_op()
    {
        Assert.Throws<DeltaTooLongException>(() => RichTextType.Invert(D("""[{"delete":3}]"""), D("""[{"insert":"ab"}]""")));
        Assert.Throws<InvalidDeltaException>(() => RichTextType.Invert(D("""[{"delete":1}]"""), D("""[{"retain":2}]""")));
    }

    [Fact]
    public void An_own_insert_at_the_cursor_moves_it_and_a_remote_one_does_not()
    {
        Delta op = D("""[{"retain":2},{"insert":"xyz"}]""");
        Assert.Equal(5, RichTextType.TransformCursor(2, op, isOwnOp: true));
        Assert.Equal(2, RichTextType.TransformCursor(2, op, isOwnOp: false));
        Assert.Equal(2, RichTextType.TransformPosition(2, op, priority: true));
    }

    [Fact]
    public void Presence_moves_index_and_length_and_keeps_other_properties()
    {
        Delta op = D("""[{"insert":"ab"},{"retain":3},{"delete":2}]""");
        JsonElement? moved = RichTextType.TransformPresence(J("""{"index":1,"length":5,"name":"ann"}"""), op, isOwnOp: false);
        Assert.True(JsonElement.DeepEquals(J("""{"index":3,"length":3,"name":"ann"}"""), moved!.Value), moved.Value.GetRawText());
        Assert.Null(RichTextType.TransformPresence(J("null"), op, false));
        Assert.Null(RichTextType.TransformPresence(null, op, false));
    }

    [Theory]
    [InlineData("""{"index":"1","length":0}""")]
    [InlineData("""{"index":1}""")]
    [InlineData("""{"index":-1,"length":0}""")]
    [InlineData("\"cursor\"")]
    public void A_presence_value_that_is_not_a_range_passes_unchanged(string json)
    {
        JsonElement value = J(json);
        Assert.Equal(value.GetRawText(), RichTextType.TransformPresence(value, D("""[{"insert":"ab"}]"""), false)!.Value.GetRawText());
    }

    [Fact]
    public void Create_takes_nothing_or_a_document_and_refuses_anything_else()
    {
        Assert.Equal(Delta.Empty, RichTextType.Create(null));
        Assert.Equal(Delta.Empty, RichTextType.Create(J("null")));
        Assert.Equal(D("""[{"insert":"Hi\n"}]"""), RichTextType.Create(J("""{"ops":[{"insert":"Hi\n"}]}""")));
        Assert.Throws<InvalidDeltaException>(() => RichTextType.Create(J("\"Hi\"")));
        Assert.Throws<InvalidDeltaException>(() => RichTextType.Create(J("""[{"retain":1}]""")));
    }

    [Fact]
    public void Compose_merges_as_quill_delta_does()
    {
        Assert.Equal(D("""[{"insert":"ab","attributes":{"bold":true}}]"""),
            RichTextType.Compose(D("""[{"insert":"a","attributes":{"bold":true}}]"""), D("""[{"retain":1},{"insert":"b","attributes":{"bold":true}}]""")));
        Assert.Equal(D("""[{"insert":"x"},{"delete":3}]"""), RichTextType.Compose(D("""[{"delete":1}]"""), D("""[{"insert":"x"},{"delete":2}]""")));
    }
}
