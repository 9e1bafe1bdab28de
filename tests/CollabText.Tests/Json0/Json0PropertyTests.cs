using CollabText.Json0;
using CsCheck;

namespace CollabText.Tests.Json0;

/// <summary>
/// Properties of json0 over random documents and ops (CsCheck prints the seed of any failure; rerun it with
/// <c>Sample(..., seed: "...")</c>).
/// </summary>
public sealed class Json0PropertyTests
{
    private const int Cases = 3_000;

    private static Gen<(Json0Value Doc, Json0Op A, Json0Op B)> TwoConcurrentOps(bool moves, bool text0 = false, int max = 3) =>
        Json0Gen.Document.SelectMany(doc => Gen.Select(Json0Gen.OpFor(doc, max, moves: moves, text0: text0), Json0Gen.OpFor(doc, max, moves: moves, text0: text0), (a, b) => (doc, a, b)));

    [Fact]
    public void Concurrent_ops_converge_after_transform()
    {
        TwoConcurrentOps(moves: true).Sample(t =>
        {
            var left = Json0Type.Apply(Json0Type.Apply(t.Doc, t.A), Json0Type.Transform(t.B, t.A, TransformSide.Right));
            var right = Json0Type.Apply(Json0Type.Apply(t.Doc, t.B), Json0Type.Transform(t.A, t.B, TransformSide.Left));
            AssertSame(left, right);
        }, iter: Cases);
    }

    [Fact]
    public void Concurrent_text0_subtype_edits_converge_after_transform()
    {
        TwoConcurrentOps(moves: true, text0: true).Sample(t =>
        {
            var left = Json0Type.Apply(Json0Type.Apply(t.Doc, t.A), Json0Type.Transform(t.B, t.A, TransformSide.Right));
            var right = Json0Type.Apply(Json0Type.Apply(t.Doc, t.B), Json0Type.Transform(t.A, t.B, TransformSide.Left));
            AssertSame(left, right);
        }, iter: Cases);
    }

    [Fact]
    public void A_set_without_the_old_value_does_not_absorb_a_concurrent_edit_of_that_value_as_in_the_reference()
    {
        // oi on an existing key without od: json0 (ot-json0 1.1.0 gives these very results) does not know the key had a
        // value, so a concurrent na on it survives the transform and no longer fits. Apps should send od+oi.
        var doc = Json0Value.Parse("""{"a":28}""");
        var set = Json0Op.Parse("""[{"p":["a"],"na":-1},{"p":["a"],"oi":["x y",""]}]""");
        var add = Json0Op.Parse("""[{"p":["a"],"na":2}]""");
        Assert.Equal(add, Json0Type.Transform(add, set, TransformSide.Right));
        Assert.Equal(set, Json0Type.Transform(set, add, TransformSide.Left));
        Assert.Throws<Json0ApplyException>(() => Json0Type.Apply(Json0Type.Apply(doc, set), add));
        var replace = Json0Op.Parse("""[{"p":["a"],"na":-1},{"p":["a"],"od":27,"oi":["x y",""]}]""");
        Assert.True(Json0Type.Transform(add, replace, TransformSide.Right).IsNoop);
    }

    [Fact]
    public void TransformX_gives_both_sides_of_transform()
    {
        TwoConcurrentOps(moves: true, max: 4).Sample(t =>
        {
            var (left, right) = Json0Type.TransformX(t.A, t.B);
            Assert.Equal(Json0Type.Transform(t.A, t.B, TransformSide.Left), left);
            Assert.Equal(Json0Type.Transform(t.B, t.A, TransformSide.Right), right);
        }, iter: Cases);
    }

    [Fact]
    public void Composed_op_equals_applying_both_in_turn()
    {
        var gen = Json0Gen.Document.SelectMany(doc => Json0Gen.OpFor(doc, 4).SelectMany(a =>
            Json0Gen.OpFor(Json0Type.Apply(doc, a), 4).Select(b => (doc, a, b))));
        gen.Sample(t =>
        {
            var stepwise = Json0Type.Apply(Json0Type.Apply(t.doc, t.a), t.b);
            AssertSame(stepwise, Json0Type.Apply(t.doc, Json0Type.Compose(t.a, t.b)));
        }, iter: Cases);
    }

    [Fact]
    public void Compose_is_associative_in_effect()
    {
        var gen = Json0Gen.Document.SelectMany(doc => Json0Gen.OpFor(doc).SelectMany(a =>
        {
            var afterA = Json0Type.Apply(doc, a);
            return Json0Gen.OpFor(afterA).SelectMany(b =>
                Json0Gen.OpFor(Json0Type.Apply(afterA, b)).Select(c => (doc, a, b, c)));
        }));
        gen.Sample(t =>
        {
            var leftFirst = Json0Type.Compose(Json0Type.Compose(t.a, t.b), t.c);
            var rightFirst = Json0Type.Compose(t.a, Json0Type.Compose(t.b, t.c));
            AssertSame(Json0Type.Apply(t.doc, leftFirst), Json0Type.Apply(t.doc, rightFirst));
        }, iter: Cases);
    }

    [Fact]
    public void Inverting_an_op_restores_the_document()
    {
        var gen = Json0Gen.Document.SelectMany(doc => Json0Gen.OpFor(doc, 5).Select(a => (doc, a)));
        gen.Sample(t =>
        {
            var after = Json0Type.Apply(t.doc, t.a);
            AssertSame(t.doc, Json0Type.Apply(after, Json0Type.Invert(t.a)));
            Assert.Equal(t.a, Json0Type.Invert(Json0Type.Invert(t.a)));
        }, iter: Cases);
    }

    [Fact]
    public void Normalize_keeps_the_effect_even_when_applied_again()
    {
        var gen = Json0Gen.Document.SelectMany(doc => Json0Gen.OpFor(doc, 6).Select(a => (doc, a)));
        gen.Sample(t =>
        {
            var normalized = Json0Type.Normalize(t.a);
            AssertSame(Json0Type.Apply(t.doc, t.a), Json0Type.Apply(t.doc, normalized));
            // Not idempotent, as in the reference: [li x, ld+li, ld] normalizes to [li x, ld], which normalizes to [].
            AssertSame(Json0Type.Apply(t.doc, t.a), Json0Type.Apply(t.doc, Json0Type.Normalize(normalized)));
        }, iter: Cases);
    }

    [Fact]
    public void Ops_survive_a_round_trip_through_their_JSON()
    {
        var gen = Json0Gen.Document.SelectMany(doc => Json0Gen.OpFor(doc, 5, text0: true).Select(a => (doc, a)));
        gen.Sample(t =>
        {
            Assert.Equal(t.a, Json0Op.Parse(t.a.ToJson()));
            Assert.Equal(t.doc, Json0Value.Parse(t.doc.ToJson()));
            Assert.Equal(t.doc, Json0Value.FromNode(t.doc.ToNode()));
        }, iter: Cases);
    }

    [Fact]
    public void The_counted_json_length_is_the_length_of_the_json_text_after_any_op()
    {
        var gen = Json0Gen.Document.SelectMany(doc => Json0Gen.OpFor(doc, 5, text0: true).Select(a => (doc, a)));
        gen.Sample(t =>
        {
            Assert.Equal(t.doc.ToJson().Length, t.doc.JsonLength);
            Json0Value after = Json0Type.Apply(t.doc, t.a);
            Assert.Equal(after.ToJson().Length, after.JsonLength);
        }, iter: Cases);
    }

    [Theory]
    [InlineData("\"\\u0001\\ud800\\u00e9\\b\\t\\\"\"")]   // escapes JSON.stringify makes, and one it does not (é)
    [InlineData("""{"\\n":[1e21,-0,0.1,1.5e-7,null,true,false],"😀":{}}""")] // numbers as JavaScript prints them, escaped keys
    [InlineData("[]")]
    public void The_counted_json_length_counts_escapes_and_numbers_as_JSON_stringify_writes_them(string json)
    {
        Json0Value value = Json0Value.Parse(json);
        Assert.Equal(value.ToJson().Length, value.JsonLength);
    }

    // Documents compare by content: concurrent inserts of different keys leave them in different orders, in
    // JavaScript as here.
    private static void AssertSame(Json0Value expected, Json0Value actual)
    {
        if (!expected.Equals(actual)) Assert.Fail($"documents differ:\n  {expected.ToJson()}\n  {actual.ToJson()}");
    }
}
