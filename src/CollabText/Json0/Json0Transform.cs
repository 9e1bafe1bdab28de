using System.Globalization;

namespace CollabText.Json0;

/// <summary>
/// The reference's <c>json.transformComponent</c>, ported branch for branch: transforms one component past another
/// and appends the result (none, one or two components) to the destination. Path segments are compared the way
/// JavaScript compares them (<c>===</c>, <c>==</c>, <c>&lt;</c> with undefined for a segment the path lacks), so
/// results match ot-json0 1.1.0 for every pair of ops, including ops on different parts of the document.
/// </summary>
internal static class Json0Transform
{
    public static void TransformComponent(List<Json0Component> dest, Json0Component component, Json0Component otherC, TransformSide side)
    {
        int? common = CommonLengthForOps(otherC, component);
        int? common2 = CommonLengthForOps(component, otherC);
        int cplength = component.P.Length;
        int otherCplength = otherC.P.Length;
        if (component.Na is not null || component.T is not null) cplength++;
        if (otherC.Na is not null || otherC.T is not null) otherCplength++;
        bool updatesDeleted = common2 is { } k2 && otherCplength > cplength && LooseEquals(At(component.P, k2), At(otherC.P, k2))
                              && (component.Ld is not null || component.Od is not null);
        if (common is null && !updatesDeleted)
        {
            // Different parts of the document: the component passes unchanged (and is shared, not copied).
            Json0Append.Append(dest, component);
            return;
        }

        Json0Component c = component.Clone();
        // If c deletes something otherC changes, c's copy of the deleted value takes the change (for invertibility).
        if (updatesDeleted)
        {
            if (c.Ld is not null) c.Ld = ApplyInside(c.Ld, otherC, cplength);
            else if (c.Od is not null) c.Od = ApplyInside(c.Od, otherC, cplength);
        }

        if (common is { } k)
        {
            bool commonOperand = cplength == otherCplength;
            Json0Component oc = otherC;
            if ((c.Si is not null || c.Sd is not null) && (otherC.Si is not null || otherC.Sd is not null))
            {
                Json0Append.ConvertFromText(c);
                oc = otherC.Clone();
                Json0Append.ConvertFromText(oc);
            }

            if (oc.T is not null)
            {
                if (c.T is not null && c.T == oc.T)
                {
                    IReadOnlyList<Text0Component> res = Text0.Transform(c.O!, oc.O!, side);
                    if (c.Si is not null || c.Sd is not null)
                    {
                        Json0PathSegment[] p = c.P;
                        foreach (Text0Component r in res)
                        {
                            Json0Component piece = c.Clone();
                            piece.O = [r];
                            piece.P = (Json0PathSegment[])p.Clone();
                            Json0Append.ConvertToText(piece);
                            Json0Append.Append(dest, piece);
                        }
                    }
                    else if (res.Count > 0)
                    {
                        c.O = res;
                        Json0Append.Append(dest, c);
                    }
                    return;
                }
                // A subtype op meets anything else: c passes unchanged (the reference's behaviour).
            }
            else if (otherC.Na is not null)
            {
                // Adding to a number moves nothing.
            }
            else if (otherC.Li is not null && otherC.Ld is not null)
            {
                if (StrictEquals(At(otherC.P, k), At(c.P, k)))
                {
                    if (!commonOperand) return; // c edits inside the replaced item
                    if (c.Ld is not null)
                    {
                        // Both replace or delete one item: only one survives.
                        if (c.Li is not null && side == TransformSide.Left) c.Ld = otherC.Li;
                        else return;
                    }
                }
            }
            else if (otherC.Li is not null)
            {
                if (c.Li is not null && c.Ld is null && commonOperand && StrictEquals(At(c.P, k), At(otherC.P, k)))
                {
                    // li vs li at one index: left goes first.
                    if (side == TransformSide.Right) Increment(c, k);
                }
                else if (LessOrEqual(At(otherC.P, k), At(c.P, k)))
                {
                    Increment(c, k);
                }
                if (c.Lm is not null && commonOperand && LessOrEqual(At(otherC.P, k), c.Lm.Value)) c.Lm++;
            }
            else if (otherC.Ld is not null)
            {
                if (c.Lm is not null && commonOperand)
                {
                    if (StrictEquals(At(otherC.P, k), At(c.P, k))) return; // they deleted what we move
                    int p = otherC.P[k].Index;
                    int from = c.P[k].Index;
                    int to = c.Lm.Value;
                    if (p < to || (p == to && from < to)) c.Lm--;
                }
                if (Less(At(otherC.P, k), At(c.P, k)))
                {
                    Decrement(c, k);
                }
                else if (StrictEquals(At(otherC.P, k), At(c.P, k)))
                {
                    if (otherCplength < cplength) return; // c was inside the deleted item
                    if (c.Ld is not null)
                    {
                        if (c.Li is not null) c.Ld = null; // we replace, they delete: we insert
                        else return; // both delete it
                    }
                }
            }
            else if (otherC.Lm is not null)
            {
                if (c.Lm is not null && cplength == otherCplength)
                {
                    if (!TransformMoveByMove(c, otherC, k, side)) return;
                }
                else if (c.Li is not null && c.Ld is null && commonOperand)
                {
                    int from = otherC.P[k].Index;
                    int to = otherC.Lm.Value;
                    Json0PathSegment? p = At(c.P, k);
                    if (Greater(p, from)) Decrement(c, k);
                    if (Greater(p, to)) Increment(c, k);
                }
                else
                {
                    // Everything else cares where its item went.
                    int from = otherC.P[k].Index;
                    int to = otherC.Lm.Value;
                    Json0PathSegment? p = At(c.P, k);
                    if (StrictEquals(p, from))
                    {
                        c.P[k] = Json0PathSegment.ForIndex(to);
                    }
                    else
                    {
                        if (Greater(p, from)) Decrement(c, k);
                        if (Greater(p, to)) Increment(c, k);
                        else if (StrictEquals(p, to) && from > to) Increment(c, k);
                    }
                }
            }
            else if (otherC.Oi is not null && otherC.Od is not null)
            {
                if (StrictEquals(At(c.P, k), At(otherC.P, k)))
                {
                    if (c.Oi is not null && commonOperand)
                    {
                        if (side == TransformSide.Right) return; // left wins
                        c.Od = otherC.Oi; // we win: we replace what they inserted
                    }
                    else
                    {
                        return; // they replaced what we edit (or one of its parents)
                    }
                }
            }
            else if (otherC.Oi is not null)
            {
                if (c.Oi is not null && StrictEquals(At(c.P, k), At(otherC.P, k)))
                {
                    // Both insert at one key: left wins and replaces the right's value.
                    if (side == TransformSide.Left) Json0Append.Append(dest, new Json0Component(c.P) { Od = otherC.Oi });
                    else return;
                }
            }
            else if (otherC.Od is not null)
            {
                if (LooseEquals(At(c.P, k), At(otherC.P, k)))
                {
                    if (!commonOperand) return;
                    if (c.Oi is not null) c.Od = null;
                    else return;
                }
            }
        }

        // Passed unchanged (an index past the other's edit, say): append the original, so the op need not be rebuilt.
        Json0Append.Append(dest, component.IsUnchangedCopy(c) ? component : c);
    }

    // lm against lm in one list. Returns false when c vanishes.
    private static bool TransformMoveByMove(Json0Component c, Json0Component otherC, int k, TransformSide side)
    {
        int from = c.P[k].Index;
        int to = c.Lm!.Value;
        int otherFrom = otherC.P[k].Index;
        int otherTo = otherC.Lm!.Value;
        if (otherFrom == otherTo) return true;
        if (from == otherFrom)
        {
            // They moved our item: tie break.
            if (side == TransformSide.Right) return false;
            c.P[k] = Json0PathSegment.ForIndex(otherTo);
            if (from == to) c.Lm = otherTo;
            return true;
        }
        // They moved around it.
        int newFrom = from;
        if (from > otherFrom) newFrom--;
        if (from > otherTo) newFrom++;
        else if (from == otherTo && otherFrom > otherTo)
        {
            newFrom++;
            if (from == to) c.Lm++;
        }
        c.P[k] = Json0PathSegment.ForIndex(newFrom);
        // Where does it go now?
        if (to > otherFrom) c.Lm--;
        else if (to == otherFrom && to > from) c.Lm--;
        if (to > otherTo)
        {
            c.Lm++;
        }
        else if (to == otherTo)
        {
            if ((otherTo > otherFrom && to > from) || (otherTo < otherFrom && to < from))
            {
                if (side == TransformSide.Right) c.Lm++;
            }
            else if (to > from) c.Lm++;
            else if (to == otherFrom) c.Lm--;
        }
        return true;
    }

    // The deleted value c carries, with otherC (a change inside it) applied.
    private static Json0Value ApplyInside(Json0Value deleted, Json0Component otherC, int depth)
    {
        Json0Component oc = otherC.Clone();
        oc.P = oc.P[depth..];
        try
        {
            return Json0Apply.ApplyComponent(deleted, oc, 0);
        }
        catch (Json0ApplyException e)
        {
            // The reference carries on with a made-up value here (JavaScript coercions); we say what is wrong.
            throw new Json0Exception(
                $"The other op changes the value this op deletes at path [{string.Join(",", otherC.P.Take(depth))}], but that change " +
                $"does not fit the deleted value the op carries (its od/ld is stale): {e.Message}", e);
        }
    }

    /// <summary>The reference's commonLengthForOps: -1 if a is at the root, null if a cannot affect b's path.</summary>
    internal static int? CommonLengthForOps(Json0Component a, Json0Component b)
    {
        int alen = a.P.Length;
        int blen = b.P.Length;
        if (a.Na is not null || a.T is not null) alen++;
        if (b.Na is not null || b.T is not null) blen++;
        if (alen == 0) return -1;
        if (blen == 0) return null;
        alen--;
        blen--;
        for (int i = 0; i < alen; i++)
        {
            if (i >= blen || !a.P[i].Equals(b.P[i])) return null;
        }
        return alen;
    }

    // --- JavaScript comparisons of path segments (null is undefined: past the end of the path) -----------------

    private static Json0PathSegment? At(Json0PathSegment[] p, int i) => i >= 0 && i < p.Length ? p[i] : default(Json0PathSegment?);

    private static bool StrictEquals(Json0PathSegment? a, Json0PathSegment? b) =>
        a is null ? b is null : b is not null && a.Value.Equals(b.Value);

    private static bool StrictEquals(Json0PathSegment? a, int b) => a is { IsIndex: true } s && s.Index == b;

    // ==: like === but a key that reads as the same number equals an index ("1" == 1).
    private static bool LooseEquals(Json0PathSegment? a, Json0PathSegment? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a.Value.IsIndex == b.Value.IsIndex) return a.Value.Equals(b.Value);
        return ToNumber(a) == ToNumber(b);
    }

    private static bool Less(Json0PathSegment? a, Json0PathSegment? b) => ToNumber(a) < ToNumber(b);

    private static bool LessOrEqual(Json0PathSegment? a, Json0PathSegment? b) => ToNumber(a) <= ToNumber(b);

    private static bool LessOrEqual(Json0PathSegment? a, int b) => ToNumber(a) <= b;

    private static bool Greater(Json0PathSegment? a, int b) => ToNumber(a) > b;

    // In these comparisons one side is always a list index, so JavaScript compares numerically; NaN compares false.
    private static double ToNumber(Json0PathSegment? s)
    {
        if (s is null) return double.NaN;
        if (s.Value.IsIndex) return s.Value.Index;
        string key = s.Value.Key.Trim();
        if (key.Length == 0) return 0;
        return double.TryParse(key, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
            CultureInfo.InvariantCulture, out double value) ? value : double.NaN;
    }

    // JavaScript's ++ and -- on a path segment: a key that reads as a number becomes that number plus or minus one
    // (the reference does this when one op turned a list into an object and the other op still sees the list).
    private static void Increment(Json0Component c, int k) => c.P[k] = Step(c, k, +1);

    private static void Decrement(Json0Component c, int k) => c.P[k] = Step(c, k, -1);

    private static Json0PathSegment Step(Json0Component c, int k, int delta)
    {
        Json0PathSegment s = c.P[k];
        double value = ToNumber(s) + delta;
        if (value >= 0 && value <= int.MaxValue && value == Math.Floor(value)) return Json0PathSegment.ForIndex((int)value);
        throw new Json0Exception(
            $"The two ops disagree about the value at path [{string.Join(",", c.P.Take(k))}]: one uses it as a list, the other as an object (key {s}).");
    }
}
