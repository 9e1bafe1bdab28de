using System.Text.Json;
using System.Text.Json.Nodes;

namespace CollabText.Json0;

/// <summary>
/// The json0 OT type (ShareDB's default), a port of npm ot-json0 1.1.0: create, validate, apply, transform,
/// compose, invert and normalize, with text0 as the one embedded subtype. Results equal the reference's for every
/// op it accepts; what we refuse that the reference lets through is listed in docs/json0.md. ot-json0 1.1.0 has no
/// transformCursor and no transformPresence, so neither has this type.
/// </summary>
public static class Json0Type
{
    public const string Name = "json0";
    public const string Uri = "http://sharejs.org/types/JSONv0";

    /// <summary>The initial document: JSON null when there is no data (the reference's create(undefined)).</summary>
    public static Json0Value Create() => Json0Value.Null;

    public static Json0Value Create(JsonElement data) => Json0Value.Parse(data);

    public static Json0Value Create(JsonNode? data) => Json0Value.FromNode(data);

    /// <summary>
    /// Throws <see cref="InvalidJson0OpException"/> unless every component has one of json0's instruction shapes.
    /// Every <see cref="Json0Op"/> already passed this when it was read or built, so the operations below do not repeat it.
    /// </summary>
    public static void CheckValidOp(Json0Op op)
    {
        ArgumentNullException.ThrowIfNull(op);
        Json0Component[] components = op.Items;
        for (int i = 0; i < components.Length; i++) Json0Component.Validate(components[i], i);
    }

    /// <summary>
    /// The document after the op. The input is never changed (it is immutable) and the result shares what the op did
    /// not touch. Throws <see cref="Json0ApplyException"/> if the op does not fit the document; nothing is applied then.
    /// </summary>
    public static Json0Value Apply(Json0Value doc, Json0Op op)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(op);
        return Json0Apply.Apply(doc, op);
    }

    /// <summary>Apply on System.Text.Json nodes: returns a new node tree; <paramref name="doc"/> is left as it was.</summary>
    public static JsonNode? Apply(JsonNode? doc, Json0Op op) => Apply(Json0Value.FromNode(doc), op).ToNode();

    /// <summary>
    /// <paramref name="op"/> rewritten to apply after <paramref name="other"/>, both made against one document;
    /// <paramref name="side"/> breaks ties (Left's insert goes first, Left's replace wins).
    /// </summary>
    public static Json0Op Transform(Json0Op op, Json0Op other, TransformSide side)
    {
        if (side is not (TransformSide.Left or TransformSide.Right))
            throw new ArgumentOutOfRangeException(nameof(side), side, "side must be Left or Right");
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(other);
        if (op.Count == 1 && other.Count == 1) return TransformOneByOne(op, other, side);
        IReadOnlyList<Json0Component> result = BootstrapTransform.Transform<Json0Component>(op.Items, other.Items, side,
            Json0Transform.TransformComponent, Json0Append.Append);
        return ReferenceEquals(result, op.Items) || SameComponents(result, op.Items)
            ? op // nothing moved it: no copy, and it is valid already
            : Checked(Json0Op.Own(result as List<Json0Component> ?? [.. result]));
    }

    // Most ops are one component: what bootstrapTransform does for them (one component transform), into a list kept per
    // thread rather than a new one per call; the op that comes out owns its own array.
    [ThreadStatic] private static List<Json0Component>? t_oneByOneResult;

    private static Json0Op TransformOneByOne(Json0Op op, Json0Op other, TransformSide side)
    {
        List<Json0Component> dest = t_oneByOneResult ??= new List<Json0Component>(2);
        dest.Clear();
        try
        {
            Json0Transform.TransformComponent(dest, op.Items[0], other.Items[0], side);
            if (dest.Count == 1 && ReferenceEquals(dest[0], op.Items[0])) return op; // nothing moved it
            return Checked(dest.Count == 0 ? Json0Op.Empty : new Json0Op(dest.ToArray(), owned: true));
        }
        finally
        {
            dest.Clear(); // holds no component past the call
        }
    }

    private static bool SameComponents(IReadOnlyList<Json0Component> result, Json0Component[] original)
    {
        if (result.Count != original.Length) return false;
        for (int i = 0; i < original.Length; i++)
        {
            if (!ReferenceEquals(result[i], original[i])) return false;
        }
        return true;
    }

    // Ops that disagree about the document's shape (one made a list an object, the other still sees the list) can
    // transform into components json0 cannot express, e.g. oi at a list index; the reference returns them, we refuse.
    private static Json0Op Checked(Json0Op transformed)
    {
        try
        {
            CheckValidOp(transformed);
            return transformed;
        }
        catch (InvalidJson0OpException e)
        {
            throw new Json0Exception($"The ops disagree about the shape of the document; transforming gives {transformed.ToJson()}, which is not a valid op: {e.Message}", e);
        }
    }

    /// <summary>Both ops transformed past each other at once: (left after right, right after left).</summary>
    public static (Json0Op Left, Json0Op Right) TransformX(Json0Op left, Json0Op right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var (l, r) = BootstrapTransform.TransformX<Json0Component>(left.Items, right.Items, Json0Transform.TransformComponent, Json0Append.Append);
        return (Checked(Json0Op.Own(l)), Checked(Json0Op.Own(r)));
    }

    /// <summary>One op with the effect of <paramref name="a"/> then <paramref name="b"/>.</summary>
    public static Json0Op Compose(Json0Op a, Json0Op b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var result = new List<Json0Component>(a.Count + b.Count);
        result.AddRange(a.Items);
        foreach (Json0Component c in b.Items) Json0Append.Append(result, c);
        return Json0Op.Own(result);
    }

    /// <summary>The op with neighbouring components merged as the reference's append merges them.</summary>
    public static Json0Op Normalize(Json0Op op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var result = new List<Json0Component>(op.Count);
        foreach (Json0Component c in op.Items) Json0Append.Append(result, c);
        return Json0Op.Own(result);
    }

    /// <summary>
    /// The op that undoes <paramref name="op"/>: components reversed, inserts and deletes swapped, na negated, lm
    /// moved back. Exact only when the op's od/ld values are the values it removed (json0 does not check them).
    /// </summary>
    public static Json0Op Invert(Json0Op op)
    {
        ArgumentNullException.ThrowIfNull(op);
        Json0Component[] items = op.Items;
        var result = new Json0Component[items.Length];
        for (int i = 0; i < items.Length; i++) result[i] = InvertComponent(items[items.Length - 1 - i]);
        return result.Length == 0 ? Json0Op.Empty : new Json0Op(result, owned: true);
    }

    private static Json0Component InvertComponent(Json0Component c)
    {
        var inverse = new Json0Component((Json0PathSegment[])c.P.Clone());
        if (c.T is not null)
        {
            inverse.T = c.T;
            inverse.O = Text0.Invert(c.O!);
        }
        inverse.Sd = c.Si;
        inverse.Si = c.Sd;
        inverse.Od = c.Oi;
        inverse.Oi = c.Od;
        inverse.Ld = c.Li;
        inverse.Li = c.Ld;
        if (c.Na is { } na) inverse.Na = -na;
        if (c.Lm is { } lm)
        {
            inverse.Lm = c.P[^1].Index;
            inverse.P[^1] = Json0PathSegment.ForIndex(lm);
        }
        return inverse;
    }
}
