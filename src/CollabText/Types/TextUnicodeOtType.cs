using System.Text.Json;

namespace CollabText.Types;

/// <summary>
/// text-unicode (<see cref="TextUnicodeType"/>) as a document type. The document is a rope (<see cref="TextDocument"/>),
/// edited in place so an op costs O(log n) however long the text; presence moves as PROTOCOL.md says front ends move it.
/// </summary>
public sealed class TextUnicodeOtType : OtType
{
    public static readonly TextUnicodeOtType Instance = new();

    private TextUnicodeOtType()
    {
    }

    public override string Name => TextUnicodeType.Name;

    public override string Uri => TextUnicodeType.Uri;

    public override bool TransformsPresence => true;

    /// <summary>A text-unicode op as an <see cref="OtOp"/> of this type (it must pass <see cref="TextUnicodeType.Check"/>).</summary>
    public OtOp Wrap(TextOp op) => new Op(op);

    /// <summary>The text-unicode op inside an op of this type.</summary>
    public static TextOp Unwrap(OtOp op) => op is Op text
        ? text.Value
        : throw new ArgumentException($"Not a text-unicode op: {op.Type?.Name ?? "unread"}.", nameof(op));

    public override OtOp ReadOp(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Array)
            throw new OpRejectedException(OpProblem.BadlyFormed,
                $"A text-unicode op must be an array of components, not {json.ValueKind}.");
        try
        {
            TextOp op = json.Deserialize<TextOp>() ?? TextOp.Empty;
            TextUnicodeType.Check(op);
            return new Op(op);
        }
        catch (TextOpException e)
        {
            throw new OpRejectedException(OpProblem.BadlyFormed, $"Not a text-unicode op: {e.Message}", e);
        }
    }

    public override OtDocument Create(JsonElement? data, int maxUtf16Length)
    {
        if (data is not { } json || json.ValueKind == JsonValueKind.Null) return new Document(new TextDocument("", maxUtf16Length));
        if (json.ValueKind != JsonValueKind.String)
            throw new OpRejectedException(OpProblem.BadlyFormed,
                $"A text-unicode document's initial data must be its text (a string), not {json.ValueKind}.");
        string text = json.GetString()!;
        if (text.Length > maxUtf16Length)
            throw new OpRejectedException(OpProblem.TooLarge,
                $"The initial text has {text.Length} UTF-16 units; documents may have at most {maxUtf16Length}.");
        if (!CodePoints.IsWellFormed(text))
            throw new OpRejectedException(OpProblem.BadlyFormed, "The initial text contains an unpaired surrogate.");
        return new Document(new TextDocument(text, maxUtf16Length));
    }

    // The stored form is the text itself, as snapshots held it before there were other types.
    public override OtDocument Restore(string stored, int maxUtf16Length) => new Document(new TextDocument(stored, maxUtf16Length));

    public override void WriteStoredData(Utf8JsonWriter writer, string stored) => writer.WriteStringValue(stored);

    public override OtOp Transform(OtOp op, OtOp applied, TransformSide side)
    {
        try
        {
            return new Op(TextUnicodeType.Transform(Unwrap(op), Unwrap(applied), side));
        }
        catch (TextOpException e)
        {
            throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
        }
    }

    public override OtOp Compose(OtOp first, OtOp second) => new Op(TextUnicodeType.Compose(Unwrap(first), Unwrap(second)));

    public override OtOp Normalize(OtOp op) => new Op(TextUnicodeType.Normalize(Unwrap(op)));

    public override JsonElement? TransformPresence(JsonElement value, OtOp op, bool isOwnOp) =>
        PresenceTransform.Through(value, Unwrap(op));

    private sealed class Op(TextOp value) : OtOp
    {
        // Per component: the objects around the text (records, arrays, strings' headers).
        private const int ComponentOverhead = 32;

        public TextOp Value { get; } = value;

        public override OtType Type => Instance;

        public override void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, Value);

        public override long EstimatedBytes
        {
            get
            {
                long bytes = 0;
                foreach (OpComponent component in Value.Span) bytes += ComponentOverhead + 2L * (component.Text?.Length ?? 0);
                return bytes;
            }
        }
    }

    private sealed class Document(TextDocument text) : OtDocument
    {
        public override OtType Type => Instance;

        public override void Check(OtOp op)
        {
            try
            {
                text.Validate(Unwrap(op));
            }
            catch (DocumentTooLargeException e)
            {
                throw new OpRejectedException(OpProblem.TooLarge, e.Message, e);
            }
            catch (InvalidOpComponentException e)
            {
                throw new OpRejectedException(OpProblem.BadlyFormed, e.Message, e);
            }
            catch (TextOpException e)
            {
                throw new OpRejectedException(OpProblem.NotApplied, e.Message, e);
            }
        }

        public override OtUndo Apply(OtOp op)
        {
            TextOp edit = Unwrap(op);
            var inverse = new Op(text.InverseOf(edit));
            text.Apply(edit);
            return new Undo(inverse);
        }

        public override void ApplyForward(OtOp op) => text.Apply(Unwrap(op));

        public override void StepBack(OtUndo undo) => text.Apply(Unwrap(((Undo)undo).Inverse));

        public override OtDocument Copy() => new Document(new TextDocument(text.ToString(), text.MaxUtf16Length));

        public override string ToStored() => text.ToString();

        public override long EstimatedBytes => 2L * text.Utf16Length;
    }

    private sealed class Undo(Op inverse) : OtUndo
    {
        public Op Inverse { get; } = inverse;

        public override long EstimatedBytes => Inverse.EstimatedBytes;
    }
}
