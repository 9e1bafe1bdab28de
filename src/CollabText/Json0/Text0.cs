namespace CollabText.Json0;

/// <summary>
/// The text0 string type embedded in json0 (ot-json0 1.1.0's lib/text0.js): apply, append/compose, transform and
/// invert of <see cref="Text0Component"/> lists. Positions are UTF-16 code units.
/// </summary>
internal static class Text0
{
    /// <summary>Applies the op to a string. Throws <see cref="Json0ApplyException"/> for a position past the end or a delete of other text.</summary>
    public static string Apply(string snapshot, IReadOnlyList<Text0Component> op, Json0ApplyLocation where)
    {
        foreach (Text0Component c in op) snapshot = ApplyOne(snapshot, c.Position, c.Insert, c.Delete, where);
        return snapshot;
    }

    /// <summary>One text0 component (an insert or a delete at a position), without building it first.</summary>
    public static string ApplyOne(string snapshot, int position, string? insert, string? delete, Json0ApplyLocation where)
    {
        if (position > snapshot.Length)
            throw new Json0ApplyException($"{where}: text0 position {position} is past the end of the string (length {snapshot.Length}).");
        if (insert is not null) return string.Concat(snapshot.AsSpan(0, position), insert, snapshot.AsSpan(position));
        if (!snapshot.AsSpan(position, Math.Min(delete!.Length, snapshot.Length - position)).SequenceEqual(delete))
        {
            string deleted = Slice(snapshot, position, position + delete.Length);
            throw new Json0ApplyException($"{where}: Delete component '{delete}' does not match deleted text '{deleted}'.");
        }
        return string.Concat(snapshot.AsSpan(0, position), snapshot.AsSpan(position + delete.Length));
    }

    // JavaScript's String.prototype.slice for non-negative arguments.
    internal static string Slice(string s, int start, int end = int.MaxValue)
    {
        start = Math.Min(start, s.Length);
        end = Math.Min(end, s.Length);
        return end <= start ? "" : s.Substring(start, end - start);
    }

    private static string Inject(string s1, int pos, string s2) => string.Concat(Slice(s1, 0, pos), s2, Slice(s1, pos));

    /// <summary>text0's append: merges into the last component where it can, drops empty ones.</summary>
    public static void Append(List<Text0Component> newOp, Text0Component c)
    {
        if (c.Insert == "" || c.Delete == "") return;
        if (newOp.Count == 0)
        {
            newOp.Add(c);
            return;
        }
        Text0Component last = newOp[^1];
        if (last.Insert is not null && c.Insert is not null && last.Position <= c.Position && c.Position <= last.Position + last.Insert.Length)
            newOp[^1] = Text0Component.InsertAt(last.Position, Inject(last.Insert, c.Position - last.Position, c.Insert));
        else if (last.Delete is not null && c.Delete is not null && c.Position <= last.Position && last.Position <= c.Position + c.Delete.Length)
            newOp[^1] = Text0Component.DeleteAt(c.Position, Inject(c.Delete, last.Position - c.Position, last.Delete));
        else
            newOp.Add(c);
    }

    public static IReadOnlyList<Text0Component> Compose(IReadOnlyList<Text0Component> op1, IReadOnlyList<Text0Component> op2)
    {
        var newOp = new List<Text0Component>(op1);
        foreach (Text0Component c in op2) Append(newOp, c);
        return newOp;
    }

    public static IReadOnlyList<Text0Component> Invert(IReadOnlyList<Text0Component> op)
    {
        var result = new Text0Component[op.Count];
        for (int i = 0; i < op.Count; i++)
        {
            Text0Component c = op[op.Count - 1 - i];
            result[i] = c.Insert is not null ? Text0Component.DeleteAt(c.Position, c.Insert) : Text0Component.InsertAt(c.Position, c.Delete!);
        }
        return result;
    }

    public static IReadOnlyList<Text0Component> Transform(IReadOnlyList<Text0Component> op, IReadOnlyList<Text0Component> other, TransformSide side) =>
        BootstrapTransform.Transform(op, other, side, TransformComponent, Append);

    private static int TransformPosition(int pos, Text0Component c, bool insertAfter)
    {
        if (c.Insert is not null)
            return c.Position < pos || (c.Position == pos && insertAfter) ? pos + c.Insert.Length : pos;
        if (pos <= c.Position) return pos;
        if (pos <= c.Position + c.Delete!.Length) return c.Position;
        return pos - c.Delete.Length;
    }

    private static void TransformComponent(List<Text0Component> dest, Text0Component c, Text0Component otherC, TransformSide side)
    {
        if (c.Insert is not null)
        {
            Append(dest, Text0Component.InsertAt(TransformPosition(c.Position, otherC, side == TransformSide.Right), c.Insert));
            return;
        }
        string cd = c.Delete!;
        if (otherC.Insert is not null)
        {
            // Delete vs insert: the delete splits around the inserted text.
            string s = cd;
            if (c.Position < otherC.Position)
            {
                Append(dest, Text0Component.DeleteAt(c.Position, Slice(s, 0, otherC.Position - c.Position)));
                s = Slice(s, otherC.Position - c.Position);
            }
            if (s != "") Append(dest, Text0Component.DeleteAt(c.Position + otherC.Insert.Length, s));
            return;
        }
        string od = otherC.Delete!;
        if (c.Position >= otherC.Position + od.Length)
        {
            Append(dest, Text0Component.DeleteAt(c.Position - od.Length, cd));
        }
        else if (c.Position + cd.Length <= otherC.Position)
        {
            Append(dest, c);
        }
        else
        {
            // They overlap: delete only what the other did not.
            string newD = "";
            if (c.Position < otherC.Position) newD = Slice(cd, 0, otherC.Position - c.Position);
            if (c.Position + cd.Length > otherC.Position + od.Length) newD += Slice(cd, otherC.Position + od.Length - c.Position);
            int intersectStart = Math.Max(c.Position, otherC.Position);
            int intersectEnd = Math.Min(c.Position + cd.Length, otherC.Position + od.Length);
            string cIntersect = Slice(cd, intersectStart - c.Position, intersectEnd - c.Position);
            string otherIntersect = Slice(od, intersectStart - otherC.Position, intersectEnd - otherC.Position);
            if (!string.Equals(cIntersect, otherIntersect, StringComparison.Ordinal))
                throw new Json0Exception("Delete ops delete different text in the same region of the document.");
            if (newD != "") Append(dest, Text0Component.DeleteAt(TransformPosition(c.Position, otherC, false), newD));
        }
    }
}
