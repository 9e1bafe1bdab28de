using System.Text.Json;
using CollabText.RichText;

namespace CollabText.Types;

/// <summary>
/// rich-text (<see cref="RichTextType"/>, Quill's Delta) as a document type. The document is an immutable
/// <see cref="Delta"/> of inserts; an op's undo is its inverse against the document it applied to. Presence ranges
/// move through ops with rich-text's transformPresence, as ShareDB moves them.
/// </summary>
public sealed class RichTextOtType : OtType
{
    public static readonly RichTextOtType Instance = new();

    private RichTextOtType()
    {
    }

    public override string Name => RichTextType.Name;

    public override string Uri => RichTextType.Uri;

    public override bool TransformsPresence => true;

    /// <summary>A delta as an op of this type, written as the bare array of ops.</summary>
    public OtOp Wrap(Delta op) => new Op(op, asObject: false);

    public static Delta Unwrap(OtOp op) => op is Op delta
        ? delta.Value
        : throw new ArgumentException($"Not a rich-text op: {op.Type?.Name ?? "unread"}.", nameof(op));

    public override OtOp ReadOp(JsonElement json)
    {
        try
        {
            // Clients send either the array of ops or a Delta object {ops: [...]}; the op goes on in the same form.
            return new Op(Delta.Parse(json), asObject: json.ValueKind == JsonValueKind.Object);
        }
        catch (RichTextException e)
        {
            // ShareDB has no shape check for rich-text: what the type cannot take fails inside apply.
            throw new OpRejectedException(OpProblem.NotApplied, $"Not a rich-text op: {e.Message}", e);
        }
    }

    public override OtDocument Create(JsonElement? data, int maxUtf16Length)
    {
        Delta document;
        try
        {
            document = RichTextType.Create(data);
        }
        catch (RichTextException e)
        {
            throw new OpRejectedException(OpProblem.BadlyFormed, e.Message, e);
        }
        EnsureFits(document, maxUtf16Length);
        return new Document(document, maxUtf16Length);
    }

    public override OtDocument Restore(string stored, int maxUtf16Length) => new Document(Delta.Parse(stored), maxUtf16Length);

    public override void WriteStoredData(Utf8JsonWriter writer, string stored) => writer.WriteRawValue(stored, skipInputValidation: true);

    // ShareDB's transform hands back a Delta, so a transformed op goes out as {ops: [...]}.
    public override OtOp Transform(OtOp op, OtOp applied, TransformSide side)
    {
        try
        {
            return new Op(RichTextType.Transform(Unwrap(op), Unwrap(applied), side), asObject: true);
        }
        catch (RichTextException e)
        {
            throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
        }
    }

    public override OtOp Compose(OtOp first, OtOp second) => new Op(RichTextType.Compose(Unwrap(first), Unwrap(second)), asObject: true);

    // A Delta is kept in normal form (neighbours merged) whenever it is built.
    public override OtOp Normalize(OtOp op) => op.Type == this ? op : Read(op);

    public override JsonElement? TransformPresence(JsonElement value, OtOp op, bool isOwnOp) =>
        RichTextType.TransformPresence(value, Unwrap(op), isOwnOp);

    private static void EnsureFits(Delta document, int maxUtf16Length)
    {
        if (document.Length > maxUtf16Length)
            throw new OpRejectedException(OpProblem.TooLarge,
                $"The document would be {document.Length} characters long; documents may have at most {maxUtf16Length}.");
    }

    private sealed class Op(Delta value, bool asObject) : OtOp
    {
        public Delta Value { get; } = value;

        public override OtType Type => Instance;

        public override void WriteTo(Utf8JsonWriter writer)
        {
            if (asObject) Value.WriteTo(writer);
            else Value.WriteOpsTo(writer);
        }

        public override long EstimatedBytes => 64 + 2L * ToJson().Length;
    }

    private sealed class Document(Delta value, int maxUtf16Length) : OtDocument
    {
        private Delta _value = value;

        // Check computes the result; Apply right after it (the document decides, then applies) takes it from here.
        private (OtOp Op, Delta Result)? _checked;

        public override OtType Type => Instance;

        public override void Check(OtOp op)
        {
            Delta result;
            try
            {
                result = RichTextType.Apply(_value, Unwrap(op));
            }
            catch (RichTextException e)
            {
                throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
            }
            EnsureFits(result, maxUtf16Length);
            _checked = (op, result);
        }

        public override OtUndo Apply(OtOp op)
        {
            Delta result = CheckedResult(op);
            var undo = new Undo(new Op(RichTextType.Invert(Unwrap(op), _value), asObject: true));
            _value = result;
            return undo;
        }

        public override void ApplyForward(OtOp op) => _value = CheckedResult(op);

        /// <summary>The document with <paramref name="op"/> applied: what the <see cref="Check"/> just made for it found, or a new check's.</summary>
        private Delta CheckedResult(OtOp op)
        {
            if (_checked is not { } done || !ReferenceEquals(done.Op, op))
            {
                Check(op);
                done = _checked!.Value;
            }
            _checked = null;
            return done.Result;
        }

        public override void StepBack(OtUndo undo)
        {
            _value = RichTextType.Apply(_value, ((Undo)undo).Inverse.Value);
            _checked = null;
        }

        public override OtDocument Copy() => new Document(_value, maxUtf16Length);

        public override string ToStored() => _value.ToJson();

        public override long EstimatedBytes => 2L * ToStored().Length;
    }

    private sealed class Undo(Op inverse) : OtUndo
    {
        public Op Inverse { get; } = inverse;

        public override long EstimatedBytes => Inverse.EstimatedBytes;
    }
}
