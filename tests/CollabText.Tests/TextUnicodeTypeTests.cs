using CollabText;

namespace CollabText.Tests;

public sealed class TextUnicodeTypeTests
{
    private static TextOp Op(string json) => TextOp.Parse(json);

    [Theory]
    [InlineData("[0,\"a\"]", "skip components must be > 0")]
    [InlineData("[-1,\"a\"]", "skip components must be > 0")]
    [InlineData("[1,2,\"a\"]", "adjacent skip")]
    [InlineData("[\"\"]", "inserts cannot be empty")]
    [InlineData("[{\"d\":0}]", "deletes must not be empty")]
    [InlineData("[{\"d\":-2}]", "deletes must not be empty")]
    [InlineData("[{\"d\":\"\"}]", "deletes must not be empty")]
    [InlineData("[\"a\",3]", "trailing skip")]
    public void Check_rejects_what_the_reference_rejects(string json, string why)
    {
        var error = Assert.Throws<InvalidOpComponentException>(() => TextUnicodeType.Check(Op(json)));
        Assert.Contains(why, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Check_rejects_an_insert_with_an_unpaired_surrogate()
    {
        Assert.Throws<InvalidOpComponentException>(() => TextUnicodeType.Check(new TextOp([OpComponent.Insert("a\uD83D")])));
    }

    [Fact]
    public void Check_accepts_valid_ops()
    {
        TextUnicodeType.Check(TextOp.Empty);
        TextUnicodeType.Check(Op("[3,\"x\",{\"d\":2},1,{\"d\":\"ab\"}]"));
    }

    [Fact]
    public void Ops_with_more_components_than_the_builders_inline_buffer_come_out_whole()
    {
        // 39 components (the last a delete), then the same with every component doubled so each pair must merge.
        var components = Enumerable.Range(0, 39).Select(i => (i % 3) switch
        {
            0 => OpComponent.Skip(i + 1),
            1 => OpComponent.Insert("😀" + i),
            _ => OpComponent.Delete(2),
        }).ToArray();
        var op = new TextOp(components);
        Assert.Equal(op, TextUnicodeType.Normalize(op));
        var doubled = new TextOp(components.SelectMany(c => c.Kind switch
        {
            OpComponentKind.Skip => new[] { OpComponent.Skip(1), OpComponent.Skip(c.Length - 1) },
            OpComponentKind.Insert => [OpComponent.Insert(c.Text![..2]), OpComponent.Insert(c.Text[2..])],
            _ => [OpComponent.Delete(1), OpComponent.Delete(1)],
        }));
        Assert.Equal(op, TextUnicodeType.Normalize(doubled));
        Assert.Equal(op, TextUnicodeType.Transform(op, TextOp.Empty, TransformSide.Left));
        Assert.Equal(op, TextUnicodeType.Compose(TextOp.Empty, op));
    }

    [Fact]
    public void Normalize_merges_neighbours_and_trims_the_trailing_skip()
    {
        Assert.Equal(Op("[3,\"ab\",{\"d\":3}]"), TextUnicodeType.Normalize(Op("[1,2,\"a\",\"b\",{\"d\":1},{\"d\":2},0,4]")));
        Assert.Equal(Op("[{\"d\":\"xy\"}]"), TextUnicodeType.Normalize(Op("[{\"d\":\"x\"},{\"d\":\"y\"}]")));
        // A delete without its text drops the invert information of its neighbour (the reference's rule).
        Assert.Equal(Op("[{\"d\":3}]"), TextUnicodeType.Normalize(Op("[{\"d\":\"x\"},{\"d\":2}]")));
        Assert.Equal(TextOp.Empty, TextUnicodeType.Normalize(Op("[0,\"\",5]")));
    }

    [Theory]
    [InlineData("hello", "[5,\" world\"]", "hello world")]
    [InlineData("hello world", "[5,{\"d\":6}]", "hello")]
    [InlineData("", "[\"😀\"]", "😀")]
    [InlineData("a😀b", "[1,{\"d\":1},\"𝄞\"]", "a𝄞b")]
    [InlineData("😀😀", "[1,\"x\"]", "😀x😀")]
    [InlineData("e\u0301x", "[1,{\"d\":1}]", "ex")]
    [InlineData("👩‍👩‍👧", "[2,{\"d\":3}]", "👩‍")]
    [InlineData("abc", "[{\"d\":\"abc\"}]", "")]
    [InlineData("abc", "[]", "abc")]
    public void Apply_counts_positions_in_code_points(string doc, string op, string expected)
    {
        Assert.Equal(expected, TextUnicodeType.Apply(doc, Op(op)));
    }

    [Theory]
    [InlineData("abc", "[4,\"x\"]")]
    [InlineData("abc", "[3,{\"d\":1}]")]
    [InlineData("😀", "[{\"d\":2}]")]
    [InlineData("", "[{\"d\":1}]")]
    public void Apply_rejects_an_op_longer_than_the_document(string doc, string op)
    {
        Assert.Throws<OpTooLongException>(() => TextUnicodeType.Apply(doc, Op(op)));
    }

    [Fact]
    public void Apply_rejects_an_invalid_op()
    {
        Assert.Throws<InvalidOpComponentException>(() => TextUnicodeType.Apply("abc", Op("[1,\"\"]")));
    }

    [Fact]
    public void Concurrent_inserts_at_the_same_position_put_the_left_side_first()
    {
        TextOp a = Op("[1,\"A\"]"), b = Op("[1,\"B\"]");
        Assert.Equal(Op("[1,\"A\"]"), TextUnicodeType.Transform(a, b, TransformSide.Left));
        Assert.Equal(Op("[2,\"A\"]"), TextUnicodeType.Transform(a, b, TransformSide.Right));
        string doc = "xy";
        string viaA = TextUnicodeType.Apply(TextUnicodeType.Apply(doc, a), TextUnicodeType.Transform(b, a, TransformSide.Right));
        string viaB = TextUnicodeType.Apply(TextUnicodeType.Apply(doc, b), TextUnicodeType.Transform(a, b, TransformSide.Left));
        Assert.Equal("xABy", viaA);
        Assert.Equal(viaA, viaB);
    }

    [Fact]
    public void Transform_drops_deletes_of_text_the_other_op_deleted()
    {
        Assert.Equal(Op("[1,{\"d\":1}]"), TextUnicodeType.Transform(Op("[1,{\"d\":3}]"), Op("[2,{\"d\":5}]"), TransformSide.Left));
        Assert.Equal(TextOp.Empty, TextUnicodeType.Transform(Op("[{\"d\":2}]"), Op("[{\"d\":2}]"), TransformSide.Left));
    }

    [Fact]
    public void Transform_moves_astral_inserts_by_code_points()
    {
        Assert.Equal(Op("[3,\"x\"]"), TextUnicodeType.Transform(Op("[1,\"x\"]"), Op("[\"😀𝄞\"]"), TransformSide.Left));
    }

    [Fact]
    public void Transform_checks_both_ops()
    {
        Assert.Throws<InvalidOpComponentException>(() => TextUnicodeType.Transform(Op("[0]"), TextOp.Empty, TransformSide.Left));
        Assert.Throws<InvalidOpComponentException>(() => TextUnicodeType.Transform(TextOp.Empty, Op("[1]"), TransformSide.Left));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextUnicodeType.Transform(TextOp.Empty, TextOp.Empty, (TransformSide)7));
    }

    [Fact]
    public void Compose_cancels_a_delete_of_inserted_text_and_keeps_delete_text()
    {
        Assert.Equal(Op("[1,\"ac\"]"), TextUnicodeType.Compose(Op("[1,\"abc\"]"), Op("[2,{\"d\":1}]")));
        Assert.Equal(Op("[{\"d\":\"xy\"}]"), TextUnicodeType.Compose(Op("[{\"d\":\"x\"}]"), Op("[{\"d\":\"y\"}]")));
        Assert.Equal(Op("[{\"d\":\"😀b\"}]"), TextUnicodeType.Compose(Op("[\"a\"]"), Op("[{\"d\":\"a😀b\"}]")));
    }

    [Theory]
    [InlineData(0, "[\"ab\"]", 0)] // an insert at the cursor does not move it
    [InlineData(1, "[\"ab\"]", 3)]
    [InlineData(2, "[2,\"x\"]", 2)]
    [InlineData(3, "[2,\"x\"]", 4)]
    [InlineData(5, "[1,{\"d\":2}]", 3)]
    [InlineData(2, "[1,{\"d\":3}]", 1)]
    [InlineData(2, "[\"😀\"]", 3)]
    public void TransformPosition_follows_the_reference(int cursor, string op, int expected)
    {
        Assert.Equal(expected, TextUnicodeType.TransformPosition(cursor, Op(op)));
    }

    [Fact]
    public void TransformSelection_moves_both_ends()
    {
        Assert.Equal(new TextSelection(3, 2), TextUnicodeType.TransformSelection(new TextSelection(1, 2), Op("[\"ab\"]")));
        Assert.Equal(new TextSelection(1, 0), TextUnicodeType.TransformSelection(new TextSelection(1, 3), Op("[1,{\"d\":4}]")));
    }

    [Fact]
    public void Invert_needs_the_deleted_text()
    {
        Assert.Throws<OpNotInvertibleException>(() => TextUnicodeType.Invert(Op("[{\"d\":1}]")));
        TextOp invertible = TextUnicodeType.MakeInvertible(Op("[1,{\"d\":2},\"z\"]"), "a😀bc");
        Assert.Equal(Op("[1,{\"d\":\"😀b\"},\"z\"]"), invertible);
        Assert.Equal(Op("[1,\"😀b\",{\"d\":\"z\"}]"), TextUnicodeType.Invert(invertible));
        Assert.True(TextUnicodeType.IsInvertible(invertible));
        Assert.Equal(Op("[1,{\"d\":2},\"z\"]"), TextUnicodeType.StripInvertible(invertible));
    }

    [Fact]
    public void MakeInvertible_rejects_an_op_longer_than_the_document()
    {
        Assert.Throws<OpTooLongException>(() => TextUnicodeType.MakeInvertible(Op("[{\"d\":4}]"), "abc"));
    }

    [Fact]
    public void Code_point_length_counts_surrogate_pairs_once()
    {
        Assert.Equal(0, TextUnicodeType.CodePointLength(""));
        Assert.Equal(2, TextUnicodeType.CodePointLength("😀𝄞"));
        Assert.Equal(2, TextUnicodeType.CodePointLength("e\u0301"));
        Assert.Equal(5, TextUnicodeType.CodePointLength("👩‍👩‍👧"));
    }

    [Fact]
    public void Op_builders_make_the_reference_shapes()
    {
        Assert.Equal(Op("[\"x\"]"), TextOp.InsertAt(0, "x"));
        Assert.Equal(Op("[3,{\"d\":2}]"), TextOp.DeleteAt(3, 2));
        Assert.Equal(TextOp.Empty, TextOp.InsertAt(4, ""));
        Assert.Equal(TextOp.Empty, TextOp.DeleteAt(4, 0));
    }
}
