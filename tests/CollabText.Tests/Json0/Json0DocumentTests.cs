using CollabText.Json0;
using CsCheck;

namespace CollabText.Tests.Json0;

/// <summary>
/// Json0Document edits the containers it made in place; these say that this is invisible: every apply gives what the
/// immutable Json0Type.Apply gives, snapshots never change afterwards, and a failed op leaves the document whole.
/// CsCheck prints the seed of any failure.
/// </summary>
public sealed class Json0DocumentTests
{
    private const int Cases = 2_000;
    private const int OpsPerCase = 6;

    [Fact]
    public void Applying_ops_in_place_gives_what_immutable_apply_gives_and_earlier_snapshots_stay_as_they_were()
    {
        OpSequence(OpsPerCase).Sample(t =>
        {
            var document = new Json0Document(t.Start);
            Json0Value expected = t.Start;
            var snapshots = new List<(Json0Value Snapshot, string Json)>();
            foreach (Json0Op op in t.Ops)
            {
                Json0Value? next = TryApply(expected, op);
                if (next is null)
                {
                    Assert.ThrowsAny<Json0Exception>(() => document.Apply(op));
                }
                else
                {
                    document.Apply(op);
                    expected = next;
                }
                // Snapshots only now and then, so that several ops in a row edit owned containers in place.
                if (snapshots.Count < t.Ops.Length / 2 && op.Count % 2 == 0)
                {
                    Json0Value snapshot = document.Snapshot();
                    snapshots.Add((snapshot, snapshot.ToJson()));
                }
            }
            Assert.Equal(expected.ToJson(), document.Snapshot().ToJson());
            foreach (var (snapshot, json) in snapshots) Assert.Equal(json, snapshot.ToJson());
        }, iter: Cases);
    }

    [Fact]
    public void The_start_value_is_not_changed_by_edits()
    {
        var start = Json0Value.Parse("""{"items":[{"text":"a"},{"text":"b"}]}""");
        var document = new Json0Document(start);
        document.Apply(Json0Op.Parse("""[{"p":["items",0,"text",1],"si":"x"}]"""));
        document.Apply(Json0Op.Parse("""[{"p":["items",0,"text",2],"si":"y"}]"""));
        Assert.Equal("""{"items":[{"text":"a"},{"text":"b"}]}""", start.ToJson());
        Assert.Equal("""{"items":[{"text":"axy"},{"text":"b"}]}""", document.Snapshot().ToJson());
    }

    [Fact]
    public void A_snapshot_does_not_change_when_the_document_is_edited_after_it()
    {
        var document = new Json0Document(Json0Value.Parse("""{"items":[{"votes":0},{"votes":0}]}"""));
        document.Apply(Json0Op.Parse("""[{"p":["items",1,"votes"],"na":1}]"""));
        Json0Value snapshot = document.Snapshot();
        document.Apply(Json0Op.Parse("""[{"p":["items",1,"votes"],"na":1}]"""));
        document.Apply(Json0Op.Parse("""[{"p":["items",0],"ld":{"votes":0},"li":"gone"}]"""));
        Assert.Equal("""{"items":[{"votes":0},{"votes":1}]}""", snapshot.ToJson());
        Assert.Equal("""{"items":["gone",{"votes":2}]}""", document.Snapshot().ToJson());
    }

    [Fact]
    public void An_op_whose_later_component_fails_leaves_the_document_as_it_was()
    {
        var document = new Json0Document(Json0Value.Parse("""{"items":[{"votes":0}],"title":"t"}"""));
        document.Apply(Json0Op.Parse("""[{"p":["items",0,"votes"],"na":1}]""")); // the list and item are now the document's own
        var failing = Json0Op.Parse("""[{"p":["items",0,"votes"],"na":5},{"p":["title",0],"sd":"nope"}]""");
        Assert.Throws<Json0ApplyException>(() => document.Apply(failing));
        Assert.Equal("""{"items":[{"votes":1}],"title":"t"}""", document.Snapshot().ToJson());
    }

    private static Json0Value? TryApply(Json0Value doc, Json0Op op)
    {
        try
        {
            return Json0Type.Apply(doc, op);
        }
        catch (Json0Exception)
        {
            return null;
        }
    }

    // A start document and ops made one after another against the document so far (each op fits it, mostly).
    private static Gen<(Json0Value Start, Json0Op[] Ops)> OpSequence(int length) =>
        Json0Gen.Document.SelectMany(doc => Steps(doc, length).Select(ops => (doc, ops)));

    private static Gen<Json0Op[]> Steps(Json0Value doc, int left) =>
        left == 0
            ? Gen.Const(Array.Empty<Json0Op>())
            : Json0Gen.OpFor(doc, max: 3).SelectMany(op => Steps(TryApply(doc, op) ?? doc, left - 1).Select(rest => (Json0Op[])[op, .. rest]));
}
