using System.Text;

namespace CollabText;

/// <summary>
/// The text-unicode OT type, a port of npm ot-text-unicode 4.0.0: check, normalize, apply, transform, compose,
/// invert and cursor transformation. Positions are Unicode code points. One deliberate difference: Apply throws
/// <see cref="OpTooLongException"/> for a delete past the end where the reference silently truncates it.
/// </summary>
public static class TextUnicodeType
{
    public const string Name = "text-unicode";
    public const string Uri = "http://sharejs.org/types/text-unicode";

    /// <summary>Code points in <paramref name="s"/> (a surrogate pair counts once).</summary>
    public static int CodePointLength(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return CodePoints.Count(s);
    }

    /// <summary>Throws <see cref="InvalidOpComponentException"/> unless the op follows ot-text-unicode's checkOp rules.</summary>
    public static void Check(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        ReadOnlySpan<OpComponent> components = op.Span;
        bool lastWasSkip = false;
        for (int i = 0; i < components.Length; i++)
        {
            OpComponent c = components[i];
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                    if (c.Length <= 0) throw Invalid(i, $"skip components must be > 0, got {c.Length}");
                    if (lastWasSkip) throw Invalid(i, "adjacent skip components should be combined");
                    break;
                case OpComponentKind.Insert:
                    if (string.IsNullOrEmpty(c.Text)) throw Invalid(i, "inserts cannot be empty");
                    if (!CodePoints.IsWellFormed(c.Text)) throw Invalid(i, "insert contains an unpaired surrogate");
                    break;
                case OpComponentKind.Delete:
                    if (c.Length <= 0) throw Invalid(i, "deletes must not be empty");
                    if (c.Text is not null && !CodePoints.IsWellFormed(c.Text))
                        throw Invalid(i, "deleted text contains an unpaired surrogate");
                    break;
                default:
                    throw Invalid(i, $"unknown component kind {c.Kind}");
            }
            lastWasSkip = c.IsSkip;
        }
        if (lastWasSkip) throw new InvalidOpComponentException("Op has a trailing skip.");
    }

    private static InvalidOpComponentException Invalid(int index, string why) =>
        new($"Invalid op component at index {index}: {why}.");

    /// <summary>Merges neighbours, drops no-op components and the trailing skip (the reference's normalize).</summary>
    public static TextOp Normalize(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var builder = new OpBuilder();
        foreach (OpComponent c in op.Span) builder.Append(c);
        return builder.Build();
    }

    /// <summary>
    /// Code points the op walks over in the document it applies to (skips plus deletes); the document must be
    /// at least this long.
    /// </summary>
    public static long InputLength(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        long length = 0;
        foreach (OpComponent c in op.Span)
        {
            if (!c.IsInsert) length += c.Length;
        }
        return length;
    }

    /// <summary>Applies the op to a string. Throws <see cref="OpTooLongException"/> if a skip or delete runs past the end.</summary>
    public static string Apply(string doc, TextOp op)
    {
        ArgumentNullException.ThrowIfNull(doc);
        Check(op);
        var result = new StringBuilder(doc.Length + 16);
        int at = 0; // UTF-16 offset into doc
        foreach (OpComponent c in op.Span)
        {
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                {
                    int end = CodePoints.Advance(doc, at, c.Length);
                    if (end < 0) throw new OpTooLongException(checked((int)InputLength(op)), CodePoints.Count(doc));
                    result.Append(doc, at, end - at);
                    at = end;
                    break;
                }
                case OpComponentKind.Insert:
                    result.Append(c.Text);
                    break;
                default:
                {
                    int end = CodePoints.Advance(doc, at, c.Length);
                    if (end < 0) throw new OpTooLongException(checked((int)InputLength(op)), CodePoints.Count(doc));
                    at = end;
                    break;
                }
            }
        }
        result.Append(doc, at, doc.Length - at);
        return result.ToString();
    }

    /// <summary>Transforms <paramref name="op"/> so it applies after <paramref name="other"/>; <paramref name="side"/> breaks insert ties.</summary>
    public static TextOp Transform(TextOp op, TextOp other, TransformSide side)
    {
        if (side is not (TransformSide.Left or TransformSide.Right))
            throw new ArgumentOutOfRangeException(nameof(side), side, "side must be Left or Right");
        Check(op);
        Check(other);
        var result = new OpBuilder();
        var taker = new ComponentTaker(op);
        foreach (OpComponent c2 in other.Span)
        {
            switch (c2.Kind)
            {
                case OpComponentKind.Skip:
                {
                    int length = c2.Length;
                    while (length > 0)
                    {
                        OpComponent c1 = taker.Take(length, OpComponentKind.Insert)!.Value;
                        result.Append(c1);
                        if (!c1.IsInsert) length -= c1.Length;
                    }
                    break;
                }
                case OpComponentKind.Insert:
                    // The left insert goes first; otherwise skip over the other op's inserted text.
                    if (side == TransformSide.Left && taker.Peek() is { IsInsert: true })
                        result.Append(taker.Take(ComponentTaker.Whole, null)!.Value);
                    result.Append(OpComponent.Skip(c2.Length));
                    break;
                default:
                {
                    int length = c2.Length;
                    while (length > 0)
                    {
                        OpComponent c1 = taker.Take(length, OpComponentKind.Insert)!.Value;
                        // Our inserts survive; our skips and deletes over text the other op deleted vanish.
                        if (c1.IsInsert) result.Append(c1);
                        else length -= c1.Length;
                    }
                    break;
                }
            }
        }
        while (taker.Take(ComponentTaker.Whole, null) is { } rest) result.Append(rest);
        return result.Build();
    }

    /// <summary>One op with the effect of <paramref name="a"/> followed by <paramref name="b"/>.</summary>
    public static TextOp Compose(TextOp a, TextOp b)
    {
        Check(a);
        Check(b);
        var result = new OpBuilder();
        var taker = new ComponentTaker(a);
        foreach (OpComponent component in b.Span)
        {
            switch (component.Kind)
            {
                case OpComponentKind.Skip:
                {
                    int length = component.Length;
                    while (length > 0)
                    {
                        OpComponent chunk = taker.Take(length, OpComponentKind.Delete)!.Value;
                        result.Append(chunk);
                        if (!chunk.IsDelete) length -= chunk.Length;
                    }
                    break;
                }
                case OpComponentKind.Insert:
                    result.Append(component);
                    break;
                default:
                {
                    int length = component.Length;
                    int offset = 0; // code points of b's delete accounted for so far
                    while (offset < length)
                    {
                        OpComponent chunk = taker.Take(length - offset, OpComponentKind.Delete)!.Value;
                        switch (chunk.Kind)
                        {
                            case OpComponentKind.Skip:
                                // b deletes text a kept: the delete lands in the composed op.
                                result.Append(component.Text is null
                                    ? OpComponent.Delete(chunk.Length)
                                    : OpComponent.DeleteCounted(
                                        CodePoints.Slice(component.Text, offset, offset + chunk.Length), chunk.Length));
                                offset += chunk.Length;
                                break;
                            case OpComponentKind.Insert:
                                // b deletes text a inserted: both cancel.
                                offset += chunk.Length;
                                break;
                            default:
                                result.Append(chunk);
                                break;
                        }
                    }
                    break;
                }
            }
        }
        while (taker.Take(ComponentTaker.Whole, null) is { } rest) result.Append(rest);
        return result.Build();
    }

    /// <summary>
    /// Moves a cursor through the op: inserts before it push it right, deletes before it pull it left; an insert
    /// exactly at the cursor does not move it (the reference's <c>cursor &gt; pos</c> rule).
    /// </summary>
    public static int TransformPosition(int cursor, TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        int pos = 0;
        ReadOnlySpan<OpComponent> components = op.Span;
        for (int i = 0; i < components.Length && cursor > pos; i++)
        {
            OpComponent c = components[i];
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                    pos += c.Length;
                    break;
                case OpComponentKind.Insert:
                    pos += c.Length;
                    cursor += c.Length;
                    break;
                default:
                    cursor -= Math.Min(c.Length, cursor - pos);
                    break;
            }
        }
        return cursor;
    }

    /// <summary>Moves both ends of a selection through the op.</summary>
    public static TextSelection TransformSelection(TextSelection selection, TextOp op)
    {
        int start = TransformPosition(selection.Index, op);
        int end = TransformPosition(selection.Index + selection.Length, op);
        return new TextSelection(start, end - start);
    }

    /// <summary>Fills every <c>{d:N}</c> with the text it deletes from <paramref name="doc"/>, so the op can be inverted.</summary>
    public static TextOp MakeInvertible(TextOp op, string doc)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(doc);
        var result = new OpBuilder();
        int at = 0; // UTF-16 offset of the walk in doc
        foreach (OpComponent c in op.Span)
        {
            if (c.IsInsert)
            {
                result.Append(c);
                continue;
            }
            int end = CodePoints.Advance(doc, at, Math.Max(c.Length, 0));
            if (end < 0) throw new OpTooLongException(checked((int)InputLength(op)), CodePoints.Count(doc));
            result.Append(c.IsDelete && c.Text is null
                ? OpComponent.DeleteCounted(doc.Substring(at, end - at), c.Length)
                : c);
            at = end;
        }
        return result.Build();
    }

    /// <summary>The op that undoes <paramref name="op"/>; throws <see cref="OpNotInvertibleException"/> for a delete without text.</summary>
    public static TextOp Invert(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var result = new OpBuilder();
        foreach (OpComponent c in op.Span)
        {
            result.Append(c.Kind switch
            {
                OpComponentKind.Skip => c,
                OpComponentKind.Insert => OpComponent.DeleteCounted(c.Text!, c.Length),
                _ => c.Text is null ? throw new OpNotInvertibleException() : OpComponent.InsertCounted(c.Text, c.Length),
            });
        }
        return result.Build();
    }

    /// <summary>True when every delete carries its text.</summary>
    public static bool IsInvertible(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        foreach (OpComponent c in op.Span)
        {
            if (c.IsDelete && c.Text is null) return false;
        }
        return true;
    }

    /// <summary>Replaces <c>{d:"text"}</c> by <c>{d:N}</c>.</summary>
    public static TextOp StripInvertible(TextOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var result = new OpBuilder();
        foreach (OpComponent c in op.Span) result.Append(c.IsDelete ? OpComponent.Delete(c.Length) : c);
        return result.Build();
    }
}
