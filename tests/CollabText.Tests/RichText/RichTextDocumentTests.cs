using CollabText.RichText;
using CsCheck;

namespace CollabText.Tests.RichText;

/// <summary>
/// RichTextDocument builds each version in an array it reuses; these say that this is invisible: every apply gives
/// what RichTextType.Apply gives, snapshots never change afterwards, and a failed apply leaves the document as it was.
/// CsCheck prints the seed of any failure.
/// </summary>
public sealed class RichTextDocumentTests
{
    private const int Cases = 2_000;
    private const int OpsPerCase = 8;

    [Fact]
    public void Applying_ops_gives_what_immutable_apply_gives_and_earlier_snapshots_stay_as_they_were()
    {
        OpSequence(OpsPerCase).Sample(t =>
        {
            var document = new RichTextDocument(t.Start);
            Delta expected = t.Start;
            var snapshots = new List<(Delta Snapshot, string Json)>();
            for (int i = 0; i < t.Ops.Length; i++)
            {
                document.Apply(t.Ops[i]);
                expected = RichTextType.Apply(expected, t.Ops[i]);
                // Snapshots now and then, so that several applies in a row reuse the document's arrays.
                if (i % 3 == 1)
                {
                    Delta snapshot = document.Snapshot();
                    snapshots.Add((snapshot, snapshot.ToJson()));
                }
            }
            Assert.Equal(expected.ToJson(), document.Snapshot().ToJson());
            foreach (var (snapshot, json) in snapshots) Assert.Equal(json, snapshot.ToJson());
        }, iter: Cases);
    }

    [Fact]
    public void The_start_document_is_not_changed_by_applies()
    {
        var start = Delta.Parse("""[{"insert":"ab"},{"insert":"cd","attributes":{"bold":true}}]""");
        var document = new RichTextDocument(start);
        for (int i = 0; i < 4; i++) document.Apply(Delta.Parse("""[{"retain":1},{"insert":"x","attributes":{"italic":true}}]"""));
        Assert.Equal("""{"ops":[{"insert":"ab"},{"insert":"cd","attributes":{"bold":true}}]}""", start.ToJson());
        Assert.Equal("""{"ops":[{"insert":"a"},{"insert":"xxxx","attributes":{"italic":true}},{"insert":"b"},{"insert":"cd","attributes":{"bold":true}}]}""",
            document.Snapshot().ToJson());
    }

    [Fact]
    public void A_snapshot_does_not_change_when_the_document_is_edited_after_it()
    {
        var document = new RichTextDocument(Delta.Parse("""[{"insert":"hello"}]"""));
        document.Apply(Delta.Parse("""[{"retain":5},{"insert":" world","attributes":{"bold":true}}]"""));
        Delta snapshot = document.Snapshot();
        document.Apply(Delta.Parse("""[{"delete":5}]"""));
        document.Apply(Delta.Parse("""[{"insert":"bye","attributes":{"italic":true}}]"""));
        document.Apply(Delta.Parse("""[{"retain":1},{"insert":"!"}]"""));
        Assert.Equal("""{"ops":[{"insert":"hello"},{"insert":" world","attributes":{"bold":true}}]}""", snapshot.ToJson());
        Assert.Equal("""{"ops":[{"insert":"b","attributes":{"italic":true}},{"insert":"!"},{"insert":"ye","attributes":{"italic":true}},{"insert":" world","attributes":{"bold":true}}]}""",
            document.Snapshot().ToJson());
    }

    [Fact]
    public void An_apply_that_fails_leaves_the_document_as_it_was()
    {
        var document = new RichTextDocument(Delta.Parse("""[{"insert":"a😀b"}]"""));
        document.Apply(Delta.Parse("""[{"retain":4},{"insert":"c"}]"""));
        document.Apply(Delta.Parse("""[{"retain":5},{"insert":"d"}]""")); // the previous version's array is now the spare one
        Assert.Throws<SurrogatePairSplitException>(() => document.Apply(Delta.Parse("""[{"retain":2},{"delete":3}]""")));
        Assert.Throws<DeltaTooLongException>(() => document.Apply(Delta.Parse("""[{"retain":99},{"delete":1}]""")));
        Assert.Equal(Delta.Parse("""[{"insert":"a😀bcd"}]"""), document.Snapshot());
    }

    // A start document and ops made one after another against the document so far.
    private static Gen<(Delta Start, Delta[] Ops)> OpSequence(int length) =>
        RichTextGen.Document(6).SelectMany(doc => Steps(doc, length).Select(ops => (doc, ops)));

    private static Gen<Delta[]> Steps(Delta doc, int left) =>
        left == 0
            ? Gen.Const(Array.Empty<Delta>())
            : RichTextGen.OpFor(doc).SelectMany(op => Steps(RichTextType.Apply(doc, op), left - 1).Select(rest => (Delta[])[op, .. rest]));
}
