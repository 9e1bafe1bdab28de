using System.Text.Json;
using CollabText.Json0;

namespace CollabText.Types;

/// <summary>
/// json0 (<see cref="Json0Type"/>, ShareDB's default type) as a document type. The document is an immutable
/// <see cref="Json0Value"/>; an op rebuilds only the containers on its paths, so the value before an op is kept as
/// its undo at little cost. One check the reference leaves out: an <c>od</c> or <c>ld</c> must hold the value it
/// removes (as text0 and <c>sd</c> already must), so a delete that does not match is refused and history stays exact.
/// ot-json0 1.1.0 has no transformPresence: presence is relayed only at the version it was made at.
/// The document size limit counts the document's JSON text (<see cref="Json0Value.JsonLength"/>), as a create's data
/// is counted: an op that would make it longer is refused as too large.
/// </summary>
public sealed class Json0OtType : OtType
{
    public static readonly Json0OtType Instance = new();

    private Json0OtType()
    {
    }

    public override string Name => Json0Type.Name;

    public override string Uri => Json0Type.Uri;

    public override bool TransformsPresence => false;

    public OtOp Wrap(Json0Op op) => new Op(op);

    public static Json0Op Unwrap(OtOp op) => op is Op json0
        ? json0.Value
        : throw new ArgumentException($"Not a json0 op: {op.Type?.Name ?? "unread"}.", nameof(op));

    public override OtOp ReadOp(JsonElement json)
    {
        // ShareDB checks these two itself before ot-json0 sees the op, with ERR_OT_OP_BADLY_FORMED; what ot-json0's
        // own check refuses afterwards fails inside apply, with ERR_OT_OP_NOT_APPLIED.
        if (json.ValueKind != JsonValueKind.Array)
            throw new OpRejectedException(OpProblem.BadlyFormed, $"A json0 op must be an array of components, not {json.ValueKind}.");
        int i = 0;
        foreach (JsonElement component in json.EnumerateArray())
        {
            if (component.ValueKind != JsonValueKind.Object || !component.TryGetProperty("p", out JsonElement p)
                || p.ValueKind != JsonValueKind.Array)
                throw new OpRejectedException(OpProblem.BadlyFormed, $"json0 op component {i} has no path (an array 'p').");
            i++;
        }
        try
        {
            return new Op(Json0Op.Parse(json));
        }
        catch (Json0Exception e)
        {
            throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
        }
    }

    public override OtDocument Create(JsonElement? data, int maxUtf16Length)
    {
        if (data is not { } json) return new Document(Json0Type.Create(), maxUtf16Length);
        if (json.GetRawText().Length > maxUtf16Length)
            throw new OpRejectedException(OpProblem.TooLarge, $"The initial data is larger than a document may be ({maxUtf16Length} characters of JSON).");
        try
        {
            return new Document(Json0Type.Create(json), maxUtf16Length);
        }
        catch (Json0Exception e)
        {
            throw new OpRejectedException(OpProblem.BadlyFormed, e.Message, e);
        }
    }

    public override OtDocument Restore(string stored, int maxUtf16Length) => new Document(Json0Value.Parse(stored), maxUtf16Length);

    public override void WriteStoredData(Utf8JsonWriter writer, string stored) => writer.WriteRawValue(stored, skipInputValidation: true);

    public override OtOp Transform(OtOp op, OtOp applied, TransformSide side)
    {
        try
        {
            return new Op(Json0Type.Transform(Unwrap(op), Unwrap(applied), side));
        }
        catch (Json0Exception e)
        {
            throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
        }
    }

    public override OtOp Compose(OtOp first, OtOp second) => new Op(Json0Type.Compose(Unwrap(first), Unwrap(second)));

    public override OtOp Normalize(OtOp op) => new Op(Json0Type.Normalize(Unwrap(op)));

    public override JsonElement? TransformPresence(JsonElement value, OtOp op, bool isOwnOp) =>
        throw new NotSupportedException("ot-json0 1.1.0 has no transformPresence.");

    /// <summary>The value at <paramref name="path"/>, or null when the path leads nowhere.</summary>
    private static Json0Value? At(Json0Value root, IReadOnlyList<Json0PathSegment> path)
    {
        Json0Value node = root;
        foreach (Json0PathSegment segment in path)
        {
            if (node.IsArray && segment.IsIndex && segment.Index < node.Count) node = node[segment.Index];
            else if (node.IsObject && segment.IsKey && node.TryGetProperty(segment.Key, out Json0Value child)) node = child;
            else return null;
        }
        return node;
    }

    private sealed class Op(Json0Op value) : OtOp
    {
        public Json0Op Value { get; } = value;

        public override OtType Type => Instance;

        public override void WriteTo(Utf8JsonWriter writer) => Value.WriteTo(writer);

        public override long EstimatedBytes => 64 + 2L * Value.ToJson().Length;
    }

    private sealed class Document(Json0Value value, int maxUtf16Length) : OtDocument
    {
        private Json0Value _value = value;

        // Check computes the result; Apply right after it (the document decides, then applies) takes it from here.
        private (OtOp Op, Json0Value Result)? _checked;

        public override OtType Type => Instance;

        public override void Check(OtOp op)
        {
            Json0Op json0 = Unwrap(op);
            Json0Value doc = _value;
            try
            {
                IReadOnlyList<Json0Component> components = json0.Components;
                for (int i = 0; i < components.Count; i++)
                {
                    Json0Component c = components[i];
                    Json0Value? removed = c.ObjectDelete ?? c.ListDelete;
                    if (removed is not null && At(doc, c.Path) is { } there && !there.Equals(removed))
                        throw new OpRejectedException(OpProblem.NotApplied,
                            $"Op component {i} deletes {removed.ToJson()} at [{string.Join(",", c.Path)}], but the value there is {there.ToJson()}.");
                    doc = Json0Type.Apply(doc, new Json0Op([c]));
                }
            }
            catch (Json0Exception e)
            {
                throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
            }
            if (doc.JsonLength > maxUtf16Length)
                throw new OpRejectedException(OpProblem.TooLarge,
                    $"The document would be {doc.JsonLength} characters of JSON; documents may have at most {maxUtf16Length}.");
            _checked = (op, doc);
        }

        public override OtUndo Apply(OtOp op)
        {
            if (_checked is not { } done || !ReferenceEquals(done.Op, op))
            {
                Check(op);
                done = _checked!.Value;
            }
            _checked = null;
            var undo = new Undo(_value, op.EstimatedBytes);
            _value = done.Result;
            return undo;
        }

        public override void StepBack(OtUndo undo)
        {
            _value = ((Undo)undo).Before;
            _checked = null;
        }

        public override OtDocument Copy() => new Document(_value, maxUtf16Length);

        public override string ToStored() => _value.ToJson();

        public override long EstimatedBytes => 2L * _value.JsonLength;
    }

    // The value before the op: it shares everything the op did not rebuild, so it costs about what the op touched.
    private sealed class Undo(Json0Value before, long opBytes) : OtUndo
    {
        public Json0Value Before { get; } = before;

        public override long EstimatedBytes { get; } = 2 * opBytes;
    }
}
