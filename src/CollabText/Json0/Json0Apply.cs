namespace CollabText.Json0;

/// <summary>
/// Applies json0 components to an immutable document, rebuilding only the containers on the component's path.
/// Follows the reference's apply, but refuses what the reference lets through silently (an index past the end of a
/// list, a delete of a missing key, a key into a list, an insert past the end of a string, ...): see docs/json0.md.
/// </summary>
internal static class Json0Apply
{
    /// <summary>
    /// With an <paramref name="owner"/>, containers it made are changed in place (see <see cref="Json0Document"/>); a
    /// component either fails before it changes anything or succeeds.
    /// </summary>
    public static Json0Value Apply(Json0Value doc, Json0Op op, Json0DocumentOwner? owner = null)
    {
        Json0Component[] components = op.Items;
        for (int i = 0; i < components.Length; i++) doc = ApplyComponent(doc, components[i], i, owner);
        return doc;
    }

    public static Json0Value ApplyComponent(Json0Value root, Json0Component c, int index, Json0DocumentOwner? owner = null)
    {
        Json0PathSegment[] p = c.P;
        switch (Json0Component.KindOf(c))
        {
            case Json0ComponentKind.NumberAdd or Json0ComponentKind.Subtype:
                return Edit(root, p, 0, p.Length, c, index, owner);
            case Json0ComponentKind.ObjectInsert or Json0ComponentKind.ObjectReplace when p.Length == 0:
                return c.Oi!; // the whole document is replaced
            default:
                // Lists, objects and strings: the container (or string) is at p[..-1], p[^1] says where in it.
                return Edit(root, p, 0, p.Length - 1, c, index, owner);
        }
    }

    // Walks p[depth..end) down from node, edits what it reaches and rebuilds the containers on the way back up (only
    // after the edit below succeeded, so a failing component changes no owned container).
    private static Json0Value Edit(Json0Value node, Json0PathSegment[] p, int depth, int end, Json0Component c, int index, Json0DocumentOwner? owner)
    {
        if (depth == end) return EditTarget(node, c, index, owner);
        Json0PathSegment segment = p[depth];
        switch (node.Kind)
        {
            case Json0ValueKind.Array:
                if (!segment.IsIndex) throw NotFound(c, index, depth, $"{segment} is a key but the value there is a list");
                if (segment.Index >= node.Count) throw NotFound(c, index, depth, $"index {segment.Index} is past the end of the list (length {node.Count})");
                return node.WithItem(segment.Index, Edit(node[segment.Index], p, depth + 1, end, c, index, owner), owner);
            case Json0ValueKind.Object:
            {
                if (!segment.IsKey) throw NotFound(c, index, depth, $"{segment} is a list index but the value there is an object");
                int at = node.IndexOfKey(segment.Key);
                if (at < 0) throw NotFound(c, index, depth, $"the object has no key {segment}");
                return node.WithValueAt(at, Edit(node.ValueAt(at), p, depth + 1, end, c, index, owner), owner);
            }
            default:
                throw NotFound(c, index, depth, $"the value there is {node.KindName}, which has no {segment}");
        }
    }

    private static Json0Value EditTarget(Json0Value target, Json0Component c, int index, Json0DocumentOwner? owner)
    {
        Json0PathSegment[] p = c.P;
        switch (Json0Component.KindOf(c))
        {
            case Json0ComponentKind.NumberAdd:
            {
                if (!target.IsNumber) throw Mismatch(c, index, $"na needs a number, the value there is {target.KindName}");
                double sum = target.AsNumber() + c.Na!.Value;
                if (!double.IsFinite(sum)) throw Mismatch(c, index, "the sum is too large for a JSON number");
                return Json0Value.Number(sum);
            }
            case Json0ComponentKind.Subtype:
                if (!target.IsString) throw Mismatch(c, index, $"a text0 op needs a string, the value there is {target.KindName}");
                return Json0Value.String(Text0.Apply(target.AsString(), c.O!, new Json0ApplyLocation(c, index)));
            case Json0ComponentKind.StringInsert or Json0ComponentKind.StringDelete:
                if (!target.IsString) throw Mismatch(c, index, $"si/sd need a string, the value there is {target.KindName}");
                return Json0Value.String(Text0.ApplyOne(target.AsString(), p[^1].Index, c.Si, c.Sd, new Json0ApplyLocation(c, index)));
            case Json0ComponentKind.ListInsert:
            {
                int at = ListIndex(target, c, index, allowEnd: true);
                return target.InsertItem(at, c.Li!, owner);
            }
            case Json0ComponentKind.ListDelete:
                return target.RemoveItem(ListIndex(target, c, index, allowEnd: false), owner);
            case Json0ComponentKind.ListReplace:
                return target.WithItem(ListIndex(target, c, index, allowEnd: false), c.Li!, owner);
            case Json0ComponentKind.ListMove:
            {
                int from = ListIndex(target, c, index, allowEnd: false);
                int to = c.Lm!.Value;
                if (to >= target.Count) throw Mismatch(c, index, $"lm {to} is past the end of the list (length {target.Count})");
                return from == to ? target : target.MoveItem(from, to, owner);
            }
            case Json0ComponentKind.ObjectInsert:
                return target.WithProperty(ObjectKey(target, c, index, mustExist: false), c.Oi!, owner);
            case Json0ComponentKind.ObjectReplace:
                return target.WithProperty(ObjectKey(target, c, index, mustExist: true), c.Oi!, owner);
            case Json0ComponentKind.ObjectDelete:
                return target.WithoutProperty(ObjectKey(target, c, index, mustExist: true), owner);
            default:
                throw new InvalidJson0OpException($"{Where(c, index)}: not a valid json0 component.");
        }
    }

    private static int ListIndex(Json0Value target, Json0Component c, int index, bool allowEnd)
    {
        if (!target.IsArray) throw Mismatch(c, index, $"a list instruction needs a list, the value there is {target.KindName}");
        int at = c.P[^1].Index;
        if (at > target.Count || (at == target.Count && !allowEnd))
            throw Mismatch(c, index, $"index {at} is past the end of the list (length {target.Count})");
        return at;
    }

    private static string ObjectKey(Json0Value target, Json0Component c, int index, bool mustExist)
    {
        if (!target.IsObject) throw Mismatch(c, index, $"an object instruction needs an object, the value there is {target.KindName}");
        string key = c.P[^1].Key;
        if (mustExist && target.IndexOfKey(key) < 0) throw Mismatch(c, index, $"the object has no key {c.P[^1]} to delete");
        return key;
    }

    internal static string Where(Json0Component c, int index) => $"Op component {index} (path {PathText(c.P, c.P.Length)})";

    private static string PathText(Json0PathSegment[] p, int length) => "[" + string.Join(",", p.Take(length)) + "]";

    private static Json0ApplyException NotFound(Json0Component c, int index, int depth, string why) =>
        new($"{Where(c, index)}: path invalid at {PathText(c.P, depth + 1)}: {why}.");

    private static Json0ApplyException Mismatch(Json0Component c, int index, string why) => new($"{Where(c, index)}: {why}.");
}
