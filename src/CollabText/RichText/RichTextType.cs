using System.Buffers;
using System.Text.Json;

namespace CollabText.RichText;

/// <summary>
/// The rich-text OT type, a port of npm rich-text 4.1.0 (its operations are quill-delta 4.2.2's Delta methods):
/// create, apply, compose, transform, transformCursor and transformPresence, plus quill-delta's invert against the base
/// document. Lengths and positions are UTF-16 code units, an embed is 1. Stricter than the reference where the
/// reference would build a broken document; see docs/rich-text.md.
/// </summary>
public static class RichTextType
{
    public const string Name = "rich-text";
    public const string Uri = "http://sharejs.org/types/rich-text/v1";

    /// <summary>
    /// The initial document from a create's data: nothing or null gives the empty document, otherwise a delta (array or
    /// <c>{"ops":[...]}</c>) of inserts only. The reference turns any other value into an empty document; we refuse it.
    /// </summary>
    public static Delta Create(JsonElement? data)
    {
        if (data is not { } json || json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return Delta.Empty;
        Delta document = Delta.Parse(json);
        RequireDocument(document, "The initial document");
        return document;
    }

    /// <summary>
    /// The document after <paramref name="op"/>: the reference's <c>snapshot.compose(delta)</c>. Throws
    /// <see cref="InvalidDeltaException"/> when <paramref name="document"/> holds more than inserts,
    /// <see cref="DeltaTooLongException"/> when the op retains or deletes past the end and
    /// <see cref="SurrogatePairSplitException"/> when it would cut a character in two. Deltas are immutable, so a failed
    /// apply changes nothing.
    /// </summary>
    public static Delta Apply(Delta document, Delta op) => ApplyInto(document, op, buffer: null);

    /// <summary>
    /// <see cref="Apply"/>, building the result in <paramref name="buffer"/> when it is large enough (a
    /// <see cref="RichTextDocument"/>'s spare array, which no delta anyone holds uses).
    /// </summary>
    internal static Delta ApplyInto(Delta document, Delta op, DeltaOp[]? buffer)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(op);
        RequireDocument(document, "The document");
        long opLength = op.InputLength;
        int documentLength = document.Length;
        if (opLength > documentLength) throw new DeltaTooLongException(opLength, documentLength);
        var thisIter = new DeltaIterator(document);
        var otherIter = new DeltaIterator(op);
        var delta = new DeltaBuilder(buffer, document.Count + 2 * op.Count + 1);
        ComposeInto(delta, ref thisIter, ref otherIter);
        if ((thisIter.CutSurrogatePair || otherIter.CutSurrogatePair) && delta.HasUnpairedSurrogate())
            throw new SurrogatePairSplitException("Applying the op");
        // A document composed with an op that fits it is a document (inserts only), as long as the op makes it.
        return buffer is null ? delta.Build() : delta.Build(documentLength + op.ChangeLength);
    }

    /// <summary>One op with the effect of <paramref name="a"/> then <paramref name="b"/> (quill-delta's a.compose(b)).</summary>
    public static Delta Compose(Delta a, Delta b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ComposeChecked(a, b, "Composing the ops");
    }

    /// <summary>
    /// <paramref name="op"/> moved past the concurrent <paramref name="other"/>, as rich-text's
    /// <c>transform(op, other, side)</c> = <c>other.transform(op, side === 'left')</c>. Note the mapping: with
    /// <see cref="TransformSide.Left"/> the <em>other</em> op has priority, so at a tie its insert comes first and its
    /// formatting wins; with Right, <paramref name="op"/>'s does. ShareDB's server transforms an incoming op against the
    /// ops already committed with 'left'.
    /// </summary>
    public static Delta Transform(Delta op, Delta other, TransformSide side)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(other);
        return TransformAgainst(other, op, side == TransformSide.Left);
    }

    /// <summary>quill-delta's <c>first.transform(second, priority)</c>: <paramref name="second"/> moved past <paramref name="first"/>.</summary>
    public static Delta TransformAgainst(Delta first, Delta second, bool firstHasPriority)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var thisIter = new DeltaIterator(first);
        var otherIter = new DeltaIterator(second);
        var delta = new DeltaBuilder(second.Count + 2);
        bool priority = firstHasPriority;
        while (thisIter.HasNext || otherIter.HasNext)
        {
            if (thisIter.PeekKind == DeltaOpKind.Insert && (priority || otherIter.PeekKind != DeltaOpKind.Insert))
            {
                delta.Retain(thisIter.Next().Length);
            }
            else if (otherIter.PeekKind == DeltaOpKind.Insert)
            {
                delta.Push(otherIter.Next());
            }
            else
            {
                int length = Math.Min(thisIter.PeekLength, otherIter.PeekLength);
                DeltaOp thisOp = thisIter.Next(length);
                DeltaOp otherOp = otherIter.Next(length);
                // Our delete makes their delete redundant or removes what they retain.
                if (thisOp.IsDelete) continue;
                if (otherOp.IsDelete) delta.Push(otherOp);
                else delta.Retain(length, AttributeMap.Transform(thisOp.Attributes, otherOp.Attributes, priority));
            }
        }
        return delta.Chop().Build();
    }

    /// <summary>
    /// quill-delta's transformPosition: where <paramref name="index"/> ends up after <paramref name="op"/>. With
    /// <paramref name="priority"/>, an insert exactly at the index does not move it.
    /// </summary>
    public static int TransformPosition(int index, Delta op, bool priority)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        long position = index;
        long offset = 0;
        foreach (DeltaOp component in op.Span)
        {
            if (offset > position) break;
            int length = component.Length;
            if (component.IsDelete)
            {
                position -= Math.Min(length, position - offset);
                continue;
            }
            if (component.IsInsert && (offset < position || !priority)) position += length;
            offset += length;
        }
        return (int)Math.Min(position, int.MaxValue);
    }

    /// <summary>rich-text's transformCursor: <c>transformPosition(cursor, !isOwnOp)</c>, so one's own insert at the cursor pushes it on.</summary>
    public static int TransformCursor(int cursor, Delta op, bool isOwnOp) => TransformPosition(cursor, op, !isOwnOp);

    /// <summary>rich-text's transformPresence for a range: both ends moved with <see cref="TransformCursor"/>.</summary>
    public static RichTextRange TransformRange(RichTextRange range, Delta op, bool isOwnOp)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(range.Index);
        ArgumentOutOfRangeException.ThrowIfNegative(range.Length);
        int start = TransformCursor(range.Index, op, isOwnOp);
        int end = TransformCursor((int)Math.Min((long)range.Index + range.Length, int.MaxValue), op, isOwnOp);
        return new RichTextRange(start, end - start);
    }

    /// <summary>
    /// rich-text's transformPresence on a presence value as clients send it: null stays null; an object with integer
    /// <c>index</c> and <c>length</c> (both ≥ 0) gets both moved, every other property kept in place. Any other value
    /// passes unchanged (the reference would compute NaN for it).
    /// </summary>
    public static JsonElement? TransformPresence(JsonElement? presence, Delta op, bool isOwnOp)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (presence is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (!TryReadRange(value, out RichTextRange range)) return value;
        RichTextRange moved = TransformRange(range, op, isOwnOp);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (JsonProperty property in value.EnumerateObject())
            {
                if (property.NameEquals("index")) writer.WriteNumber("index", moved.Index);
                else if (property.NameEquals("length")) writer.WriteNumber("length", moved.Length);
                else property.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
    }

    private static bool TryReadRange(JsonElement value, out RichTextRange range)
    {
        range = default;
        if (value.ValueKind != JsonValueKind.Object) return false;
        if (!value.TryGetProperty("index", out JsonElement index) || index.ValueKind != JsonValueKind.Number
            || !index.TryGetInt32(out int i) || i < 0)
            return false;
        if (!value.TryGetProperty("length", out JsonElement length) || length.ValueKind != JsonValueKind.Number
            || !length.TryGetInt32(out int l) || l < 0)
            return false;
        range = new RichTextRange(i, l);
        return true;
    }

    /// <summary>
    /// The op that undoes <paramref name="op"/> applied to <paramref name="baseDocument"/> (quill-delta's
    /// <c>op.invert(base)</c>; rich-text 4.1.0 itself exposes no invert). Throws <see cref="InvalidDeltaException"/>
    /// when the base holds more than inserts and <see cref="DeltaTooLongException"/> when the op reaches past its end.
    /// </summary>
    public static Delta Invert(Delta op, Delta baseDocument)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(baseDocument);
        RequireDocument(baseDocument, "The base document");
        long opLength = op.InputLength;
        int baseLength = baseDocument.Length;
        if (opLength > baseLength) throw new DeltaTooLongException(opLength, baseLength);

        var inverted = new DeltaBuilder(op.Count + 2);
        var baseIter = new DeltaIterator(baseDocument);
        int baseIndex = 0;
        foreach (DeltaOp component in op.Span)
        {
            if (component.IsInsert)
            {
                inverted.Delete(component.Length);
            }
            else if (component.IsRetain && component.Attributes is null)
            {
                inverted.Retain(component.Length);
                baseIndex += component.Length;
                baseIter.Skip(component.Length);
            }
            else
            {
                // The base's ops under this delete or format: a delete puts them back, a format restores their attributes.
                int end = baseIndex + component.Length;
                while (baseIndex < end && baseIter.HasNext)
                {
                    DeltaOp baseOp = baseIter.Next(end - baseIndex);
                    if (component.IsDelete) inverted.Push(baseOp);
                    else inverted.Retain(baseOp.Length, AttributeMap.Invert(component.Attributes, baseOp.Attributes));
                    baseIndex += baseOp.Length;
                }
            }
        }
        inverted.Chop();
        if (baseIter.CutSurrogatePair && inverted.HasUnpairedSurrogate())
            throw new SurrogatePairSplitException("Inverting the op");
        return inverted.Build();
    }

    private static Delta ComposeChecked(Delta a, Delta b, string operation)
    {
        var thisIter = new DeltaIterator(a);
        var otherIter = new DeltaIterator(b);
        // Room for every op of both plus the pieces a cut adds, so composing onto a long document never regrows the array.
        var delta = new DeltaBuilder(a.Count + 2 * b.Count + 1);
        ComposeInto(delta, ref thisIter, ref otherIter);
        if ((thisIter.CutSurrogatePair || otherIter.CutSurrogatePair) && delta.HasUnpairedSurrogate())
            throw new SurrogatePairSplitException(operation);
        return delta.Build();
    }

    // quill-delta 4.2.2's Delta.compose, step for step: the results must merge and split ops exactly as it does.
    private static DeltaBuilder ComposeInto(DeltaBuilder delta, ref DeltaIterator thisIter, ref DeltaIterator otherIter)
    {
        if (otherIter.HasNext)
        {
            DeltaOp firstOther = otherIter.Peek;
            if (firstOther.IsRetain && firstOther.Attributes is null)
            {
                // A leading plain retain keeps the first inserts as they are (appended, not merged): on a document,
                // everything before the edit, taken in one copy.
                int firstLeft = firstOther.Length;
                delta.AppendRange(thisIter.TakeWholeInserts(ref firstLeft));
                if (firstOther.Length - firstLeft > 0) otherIter.Next(firstOther.Length - firstLeft);
            }
        }
        while (thisIter.HasNext || otherIter.HasNext)
        {
            if (otherIter.PeekKind == DeltaOpKind.Insert)
            {
                delta.Push(otherIter.Next());
            }
            else if (thisIter.PeekKind == DeltaOpKind.Delete)
            {
                delta.Push(thisIter.Next());
            }
            else
            {
                int length = Math.Min(thisIter.PeekLength, otherIter.PeekLength);
                DeltaOp thisOp = thisIter.Next(length);
                DeltaOp otherOp = otherIter.Next(length);
                if (otherOp.IsRetain)
                {
                    // Nulls are kept when composing onto a retain (they still have to remove something), dropped on an insert.
                    AttributeMap? attributes = AttributeMap.Compose(thisOp.Attributes, otherOp.Attributes, thisOp.IsRetain);
                    DeltaOp newOp = thisOp.IsRetain ? DeltaOp.TrustedRetain(length, attributes) : thisOp.WithAttributes(attributes);
                    delta.Push(newOp);
                    // The rest of the other op is a plain retain: the rest of this one stays as it is.
                    if (!otherIter.HasNext && delta.Last.Equals(newOp))
                    {
                        // quill-delta's concat(rest): the first op pushed (it may merge), the others appended as they are.
                        if (thisIter.HasNext)
                        {
                            delta.Push(thisIter.Next());
                            delta.AppendRange(thisIter.Remaining);
                        }
                        return delta.Chop();
                    }
                }
                else if (otherOp.IsDelete && thisOp.IsRetain)
                {
                    delta.Push(otherOp);
                }
                // Otherwise the other op deletes what this one inserted: both vanish.
            }
        }
        return delta.Chop();
    }

    private static void RequireDocument(Delta delta, string what)
    {
        if (!delta.IsDocument)
            throw new InvalidDeltaException($"{what} must hold inserts only (a rich-text document is a delta of inserts).");
    }
}
