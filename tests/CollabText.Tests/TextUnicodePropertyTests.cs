using CollabText;
using CsCheck;

namespace CollabText.Tests;

public sealed class TextUnicodePropertyTests
{
    private const int Cases = 2_000;

    private static readonly Gen<(string Doc, TextOp A, TextOp B)> TwoConcurrentOps =
        TextGen.Document(16).SelectMany(doc => Gen.Select(TextGen.OpFor(doc), TextGen.OpFor(doc), (a, b) => (doc, a, b)));

    [Fact]
    public void Concurrent_ops_converge_after_transform()
    {
        TwoConcurrentOps.Sample(t =>
        {
            string left = TextUnicodeType.Apply(TextUnicodeType.Apply(t.Doc, t.A), TextUnicodeType.Transform(t.B, t.A, TransformSide.Left));
            string right = TextUnicodeType.Apply(TextUnicodeType.Apply(t.Doc, t.B), TextUnicodeType.Transform(t.A, t.B, TransformSide.Right));
            Assert.Equal(left, right);
        }, iter: Cases);
    }

    [Fact]
    public void Composed_op_equals_applying_both_in_turn()
    {
        var gen = TextGen.Document(16).SelectMany(doc => TextGen.OpFor(doc).SelectMany(a =>
            TextGen.OpFor(TextUnicodeType.Apply(doc, a)).Select(b => (doc, a, b))));
        gen.Sample(t =>
        {
            string stepwise = TextUnicodeType.Apply(TextUnicodeType.Apply(t.doc, t.a), t.b);
            Assert.Equal(stepwise, TextUnicodeType.Apply(t.doc, TextUnicodeType.Compose(t.a, t.b)));
        }, iter: Cases);
    }

    [Fact]
    public void Inverting_an_invertible_op_restores_the_document()
    {
        var gen = TextGen.Document(16).SelectMany(doc => TextGen.OpFor(doc).Select(a => (doc, a)));
        gen.Sample(t =>
        {
            TextOp invertible = TextUnicodeType.MakeInvertible(t.a, t.doc);
            string after = TextUnicodeType.Apply(t.doc, t.a);
            Assert.Equal(after, TextUnicodeType.Apply(t.doc, invertible));
            Assert.Equal(t.doc, TextUnicodeType.Apply(after, TextUnicodeType.Invert(invertible)));
        }, iter: Cases);
    }

    [Fact]
    public void Cursors_moved_through_an_op_stay_inside_the_document()
    {
        var gen = TextGen.Document(16).SelectMany(doc =>
            Gen.Select(TextGen.OpFor(doc), Gen.Int[0, TextUnicodeType.CodePointLength(doc)], (a, cursor) => (doc, a, cursor)));
        gen.Sample(t =>
        {
            int moved = TextUnicodeType.TransformPosition(t.cursor, t.a);
            int newLength = TextUnicodeType.CodePointLength(TextUnicodeType.Apply(t.doc, t.a));
            Assert.InRange(moved, 0, newLength);
        }, iter: Cases);
    }

    [Fact]
    public void Transformed_ops_are_valid_and_normalized()
    {
        TwoConcurrentOps.Sample(t =>
        {
            TextOp transformed = TextUnicodeType.Transform(t.A, t.B, TransformSide.Left);
            TextUnicodeType.Check(transformed);
            Assert.Equal(TextUnicodeType.Normalize(transformed), transformed);
        }, iter: Cases);
    }

    [Fact]
    public void Document_apply_equals_string_apply_across_leaf_splits_and_merges()
    {
        // Documents several leaves long, edited by sequences of ops, so inserts split leaves and deletes merge them.
        var big = Gen.Select(TextGen.Document(40), Gen.Int[1, 3000], (seed, copies) =>
            string.Concat(Enumerable.Repeat(seed.Length == 0 ? "ab😀" : seed, 1 + copies / Math.Max(1, seed.Length))));
        var gen = big.SelectMany(doc => BigOp(doc).Array[1, 8].Select(ops => (doc, ops)));
        gen.Sample(t =>
        {
            var document = new TextDocument(t.doc);
            string expected = t.doc;
            foreach (var makeOp in t.ops)
            {
                TextOp op = makeOp(expected);
                expected = TextUnicodeType.Apply(expected, op);
                document.Apply(op);
                Assert.Equal(TextUnicodeType.CodePointLength(expected), document.Length);
                Assert.Equal(expected.Length, document.Utf16Length);
            }
            Assert.Equal(expected, document.ToString());
        }, iter: Cases);
    }

    // An op over a large document built from positions and sizes scaled to the document, including long inserts and
    // deletes that span many leaves.
    private static Gen<Func<string, TextOp>> BigOp(string _) =>
        Gen.Select(Gen.Double[0, 1], Gen.Int[0, 2], Gen.Int[1, 5000], TextGen.NonEmptyText, (where, kind, size, text) =>
            new Func<string, TextOp>(doc =>
            {
                int length = TextUnicodeType.CodePointLength(doc);
                int position = (int)(where * length);
                if (kind == 0 || length == position)
                    return TextOp.InsertAt(position, size > 600 ? string.Concat(Enumerable.Repeat(text, size / 3)) : text);
                int count = Math.Min(length - position, kind == 1 ? 1 + size % 7 : size);
                return TextOp.DeleteAt(position, count);
            }));
}
