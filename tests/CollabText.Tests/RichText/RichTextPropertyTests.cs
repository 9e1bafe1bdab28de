using CollabText.RichText;
using CsCheck;

namespace CollabText.Tests.RichText;

// CsCheck prints the seed of a failing sample in its exception message; rerun with that seed to reproduce.
public sealed class RichTextPropertyTests
{
    private const int Cases = 2_000;

    private static readonly Gen<(Delta Doc, Delta A, Delta B)> TwoConcurrentOps =
        RichTextGen.Document(8).SelectMany(doc => Gen.Select(RichTextGen.OpFor(doc), RichTextGen.OpFor(doc), (a, b) => (doc, a, b)));

    [Fact]
    public void Concurrent_ops_converge_after_transform()
    {
        TwoConcurrentOps.Sample(t =>
        {
            Delta left = RichTextType.Apply(RichTextType.Apply(t.Doc, t.A), RichTextType.Transform(t.B, t.A, TransformSide.Left));
            Delta right = RichTextType.Apply(RichTextType.Apply(t.Doc, t.B), RichTextType.Transform(t.A, t.B, TransformSide.Right));
            AssertSameDelta(left, right);
        }, iter: Cases);
    }

    [Fact]
    public void Composing_is_associative_and_equals_applying_in_turn()
    {
        var gen = RichTextGen.Document(8).SelectMany(doc => RichTextGen.OpFor(doc).SelectMany(a =>
        {
            Delta afterA = RichTextType.Apply(doc, a);
            return RichTextGen.OpFor(afterA).SelectMany(b =>
                RichTextGen.OpFor(RichTextType.Apply(afterA, b)).Select(c => (doc, a, b, c)));
        }));
        gen.Sample(t =>
        {
            Delta stepwise = RichTextType.Apply(RichTextType.Apply(RichTextType.Apply(t.doc, t.a), t.b), t.c);
            Delta leftFirst = RichTextType.Compose(RichTextType.Compose(t.a, t.b), t.c);
            Delta rightFirst = RichTextType.Compose(t.a, RichTextType.Compose(t.b, t.c));
            AssertSameDelta(stepwise, RichTextType.Apply(t.doc, leftFirst));
            AssertSameDelta(stepwise, RichTextType.Apply(t.doc, rightFirst));
        }, iter: Cases);
    }

    [Fact]
    public void Inverting_an_op_against_its_base_restores_the_document()
    {
        var gen = RichTextGen.Document(8).SelectMany(doc => RichTextGen.OpFor(doc).Select(a => (doc, a)));
        gen.Sample(t =>
        {
            Delta after = RichTextType.Apply(t.doc, t.a);
            Delta undone = RichTextType.Apply(after, RichTextType.Invert(t.a, t.doc));
            AssertSameDelta(t.doc, undone);
        }, iter: Cases);
    }

    // Attribute key order is not part of a delta's value (quill-delta compares with lodash isEqual).
    private static void AssertSameDelta(Delta expected, Delta actual) =>
        Assert.True(expected.Equals(actual), $"expected {expected.ToJson()}\n  actual {actual.ToJson()}");

    [Fact]
    public void Presence_ranges_moved_through_an_op_stay_inside_the_document()
    {
        var gen = RichTextGen.Document(8).SelectMany(doc => Gen.Select(RichTextGen.OpFor(doc), Gen.Int[0, doc.Length],
            Gen.Int[0, 20], Gen.Bool, (a, index, length, own) => (doc, a, range: new RichTextRange(index, Math.Min(length, doc.Length - index)), own)));
        gen.Sample(t =>
        {
            RichTextRange moved = RichTextType.TransformRange(t.range, t.a, t.own);
            int newLength = RichTextType.Apply(t.doc, t.a).Length;
            Assert.InRange(moved.Index, 0, newLength);
            Assert.InRange(moved.Length, 0, newLength - moved.Index);
        }, iter: Cases);
    }
}
