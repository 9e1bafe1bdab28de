using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CollabText.Json0;

/// <summary>
/// One json0 op component: a path and one instruction (see <see cref="Json0ComponentKind"/>). Immutable to callers;
/// the algorithms in <see cref="Json0Type"/> work, as the reference does, on private copies they edit in place.
/// </summary>
public sealed class Json0Component
{
    // The reference's field names; absent is null (JSON null in a value field is Json0Value.Null).
    internal Json0PathSegment[] P;
    internal Json0Value? Li, Ld, Oi, Od;
    internal string? Si, Sd, T;
    internal double? Na;
    internal int? Lm;
    internal IReadOnlyList<Text0Component>? O;

    internal Json0Component(Json0PathSegment[] path) => P = path;

    public const string Text0Subtype = "text0";

    public IReadOnlyList<Json0PathSegment> Path => P;

    public Json0ComponentKind Kind => KindOf(this) ?? throw new InvalidOperationException("component has no valid instruction");

    public Json0Value? ListInsert => Li;
    public Json0Value? ListDelete => Ld;
    public Json0Value? ObjectInsert => Oi;
    public Json0Value? ObjectDelete => Od;
    public string? StringInsert => Si;
    public string? StringDelete => Sd;
    public double? NumberAdd => Na;
    public int? ListMoveTo => Lm;
    public string? Subtype => T;
    public IReadOnlyList<Text0Component>? SubtypeOp => O;

    // --- building ----------------------------------------------------------------------------------------------

    public static Json0Component InsertIntoObject(IEnumerable<Json0PathSegment> path, Json0Value value) => Make(path, c => c.Oi = value);
    public static Json0Component DeleteFromObject(IEnumerable<Json0PathSegment> path, Json0Value old) => Make(path, c => c.Od = old);
    public static Json0Component ReplaceInObject(IEnumerable<Json0PathSegment> path, Json0Value old, Json0Value value) => Make(path, c => (c.Od, c.Oi) = (old, value));
    public static Json0Component InsertIntoList(IEnumerable<Json0PathSegment> path, Json0Value value) => Make(path, c => c.Li = value);
    public static Json0Component DeleteFromList(IEnumerable<Json0PathSegment> path, Json0Value old) => Make(path, c => c.Ld = old);
    public static Json0Component ReplaceInList(IEnumerable<Json0PathSegment> path, Json0Value old, Json0Value value) => Make(path, c => (c.Ld, c.Li) = (old, value));
    public static Json0Component MoveInList(IEnumerable<Json0PathSegment> path, int to) => Make(path, c => c.Lm = to);
    public static Json0Component AddToNumber(IEnumerable<Json0PathSegment> path, double amount) => Make(path, c => c.Na = amount);
    public static Json0Component InsertIntoString(IEnumerable<Json0PathSegment> path, string text) => Make(path, c => c.Si = text);
    public static Json0Component DeleteFromString(IEnumerable<Json0PathSegment> path, string text) => Make(path, c => c.Sd = text);

    public static Json0Component Text0(IEnumerable<Json0PathSegment> path, IEnumerable<Text0Component> op) =>
        Make(path, c => (c.T, c.O) = (Text0Subtype, op.ToArray()));

    private static Json0Component Make(IEnumerable<Json0PathSegment> path, Action<Json0Component> set)
    {
        ArgumentNullException.ThrowIfNull(path);
        var c = new Json0Component(path.ToArray());
        set(c);
        Validate(c, 0);
        return c;
    }

    // Field by field rather than MemberwiseClone, which goes through a slower runtime helper (a tenth of a transform).
    internal Json0Component Clone() => new(P.AsSpan().ToArray())
    {
        Li = Li, Ld = Ld, Oi = Oi, Od = Od, Si = Si, Sd = Sd, T = T, Na = Na, Lm = Lm, O = O,
    };

    /// <summary>True when <paramref name="other"/> (a copy of this one) has the same path and instruction: nothing changed it.</summary>
    internal bool IsUnchangedCopy(Json0Component other) =>
        P.AsSpan().SequenceEqual(other.P) && ReferenceEquals(Li, other.Li) && ReferenceEquals(Ld, other.Ld)
        && ReferenceEquals(Oi, other.Oi) && ReferenceEquals(Od, other.Od) && ReferenceEquals(Si, other.Si)
        && ReferenceEquals(Sd, other.Sd) && ReferenceEquals(T, other.T) && Na == other.Na && Lm == other.Lm
        && ReferenceEquals(O, other.O);

    // --- validation --------------------------------------------------------------------------------------------

    internal static Json0ComponentKind? KindOf(Json0Component c)
    {
        int fields = (c.Li is null ? 0 : 1) + (c.Ld is null ? 0 : 1) + (c.Oi is null ? 0 : 1) + (c.Od is null ? 0 : 1)
                     + (c.Si is null ? 0 : 1) + (c.Sd is null ? 0 : 1) + (c.Na is null ? 0 : 1) + (c.Lm is null ? 0 : 1)
                     + (c.T is null && c.O is null ? 0 : 1);
        if (fields == 2)
        {
            if (c.Li is not null && c.Ld is not null) return Json0ComponentKind.ListReplace;
            if (c.Oi is not null && c.Od is not null) return Json0ComponentKind.ObjectReplace;
            return null;
        }
        if (fields != 1) return null;
        if (c.Oi is not null) return Json0ComponentKind.ObjectInsert;
        if (c.Od is not null) return Json0ComponentKind.ObjectDelete;
        if (c.Li is not null) return Json0ComponentKind.ListInsert;
        if (c.Ld is not null) return Json0ComponentKind.ListDelete;
        if (c.Lm is not null) return Json0ComponentKind.ListMove;
        if (c.Na is not null) return Json0ComponentKind.NumberAdd;
        if (c.Si is not null) return Json0ComponentKind.StringInsert;
        if (c.Sd is not null) return Json0ComponentKind.StringDelete;
        return c.T is not null && c.O is not null ? Json0ComponentKind.Subtype : null;
    }

    /// <summary>Throws <see cref="InvalidJson0OpException"/> unless the component is one of json0's instruction shapes with a path that fits it.</summary>
    internal static void Validate(Json0Component c, int index)
    {
        if (c.T is not null) ValidateSubtype(c.T, index);
        Json0ComponentKind kind = KindOf(c) ?? throw Invalid(index,
            "a component needs exactly one instruction: oi, od, od+oi, li, ld, ld+li, lm, na, si, sd, or t+o");
        Json0PathSegment[] p = c.P;
        bool endsWithIndex = p.Length > 0 && p[^1].IsIndex;
        switch (kind)
        {
            case Json0ComponentKind.ListInsert or Json0ComponentKind.ListDelete or Json0ComponentKind.ListReplace or Json0ComponentKind.ListMove:
                if (!endsWithIndex) throw Invalid(index, "a list instruction's path must end with the list index");
                if (c.Lm < 0) throw Invalid(index, $"lm must be a list index >= 0, got {c.Lm}");
                break;
            case Json0ComponentKind.StringInsert or Json0ComponentKind.StringDelete:
                if (!endsWithIndex) throw Invalid(index, "an si/sd path must end with the offset in the string");
                break;
            case Json0ComponentKind.ObjectDelete:
                if (p.Length == 0) throw Invalid(index, "od cannot delete the whole document (p is empty); replace it with od+oi");
                if (!p[^1].IsKey) throw Invalid(index, "an object instruction's path must end with a key (a string)");
                break;
            case Json0ComponentKind.ObjectInsert or Json0ComponentKind.ObjectReplace:
                if (p.Length > 0 && !p[^1].IsKey) throw Invalid(index, "an object instruction's path must end with a key (a string)");
                break;
            case Json0ComponentKind.NumberAdd:
                if (!double.IsFinite(c.Na!.Value)) throw Invalid(index, "na must be a finite number");
                break;
        }
    }

    private static void ValidateSubtype(string subtype, int index)
    {
        if (subtype == Text0Subtype) return;
        throw Invalid(index, subtype == TextUnicodeType.Name || subtype == TextUnicodeType.Uri
            ? $"subtype \"{subtype}\" cannot be embedded in json0 (ot-json0 1.1.0 registers only \"text0\"; use si/sd or t:\"text0\")"
            : $"unknown subtype \"{subtype}\" (json0 supports only \"text0\")");
    }

    private static InvalidJson0OpException Invalid(int index, string why) => new($"Invalid json0 op component at index {index}: {why}.");

    // --- JSON ----------------------------------------------------------------------------------------------

    internal static Json0Component Parse(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Invalid(index, $"a component must be a JSON object, got {element.ValueKind}");
        Json0PathSegment[]? path = null;
        JsonElement? subtypeOp = null;
        var c = new Json0Component([]);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            JsonElement v = property.Value;
            switch (property.Name)
            {
                case "p":
                    path = ParsePath(v, index);
                    break;
                case "li": c.Li = Value(v, index); break;
                case "ld": c.Ld = Value(v, index); break;
                case "oi": c.Oi = Value(v, index); break;
                case "od": c.Od = Value(v, index); break;
                case "si": c.Si = Text(v, "si", index); break;
                case "sd": c.Sd = Text(v, "sd", index); break;
                case "t": c.T = Text(v, "t", index); break;
                case "na":
                    if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
                        throw Invalid(index, $"na must be a finite number, got {v.GetRawText()}");
                    c.Na = v.GetDouble();
                    break;
                case "lm":
                    c.Lm = Integer(v, "lm", index);
                    break;
                case "o":
                    subtypeOp = v; // read once t says which subtype it is
                    break;
                default:
                    throw Invalid(index, $"unknown field \"{property.Name}\" (json0 knows p, oi, od, li, ld, lm, na, si, sd, t, o)");
            }
        }
        c.P = path ?? throw Invalid(index, "missing path (p)");
        if (c.T is not null && subtypeOp is null) throw Invalid(index, "a subtype component (t) needs its op (o)");
        if (subtypeOp is not null && c.T is null) throw Invalid(index, "o needs its subtype (t)");
        if (c.T is not null)
        {
            ValidateSubtype(c.T, index); // an unknown subtype is named before its op is read
            c.O = ParseText0(subtypeOp!.Value, index);
        }
        Validate(c, index);
        return c;
    }

    private static Json0Value Value(JsonElement v, int index)
    {
        try
        {
            return Json0Value.Parse(v);
        }
        catch (InvalidJson0OpException e)
        {
            throw new InvalidJson0OpException($"Invalid json0 op component at index {index}: {e.Message}", e);
        }
    }

    private static string Text(JsonElement v, string field, int index)
    {
        if (v.ValueKind != JsonValueKind.String) throw Invalid(index, $"{field} must be a string, got {v.GetRawText()}");
        return JavaScriptJson.ReadString(v);
    }

    private static int Integer(JsonElement v, string field, int index)
    {
        // 1.0 is the number 1 in JavaScript, so an integral value in any JSON spelling is an index.
        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d == Math.Floor(d) && d >= 0 && d <= int.MaxValue)
            return (int)d;
        throw Invalid(index, $"{field} must be an integer >= 0, got {v.GetRawText()}");
    }

    private static Json0PathSegment[] ParsePath(JsonElement v, int index)
    {
        if (v.ValueKind != JsonValueKind.Array) throw Invalid(index, $"the path (p) must be a list, got {v.GetRawText()}");
        var path = new Json0PathSegment[v.GetArrayLength()];
        int i = 0;
        foreach (JsonElement segment in v.EnumerateArray())
        {
            path[i++] = segment.ValueKind switch
            {
                JsonValueKind.String => Json0PathSegment.ForKey(Text(segment, "a path key", index)),
                JsonValueKind.Number => Json0PathSegment.ForIndex(Integer(segment, "a path index", index)),
                _ => throw Invalid(index, $"a path segment must be a key (string) or list index (integer), got {segment.GetRawText()}"),
            };
        }
        return path;
    }

    private static Text0Component[] ParseText0(JsonElement v, int index)
    {
        if (v.ValueKind != JsonValueKind.Array) throw Invalid(index, $"a text0 op (o) must be a list, got {v.GetRawText()}");
        var op = new Text0Component[v.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in v.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) throw Invalid(index, $"text0 component {i} must be an object");
            int? position = null;
            string? insert = null, delete = null;
            foreach (JsonProperty property in e.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "p": position = Integer(property.Value, "a text0 position (p)", index); break;
                    case "i": insert = Text(property.Value, "a text0 insert (i)", index); break;
                    case "d": delete = Text(property.Value, "a text0 delete (d)", index); break;
                    default: throw Invalid(index, $"text0 component {i} has unknown field \"{property.Name}\" (text0 knows p, i, d)");
                }
            }
            if (position is null) throw Invalid(index, $"text0 component {i} is missing its position (p)");
            if ((insert is null) == (delete is null)) throw Invalid(index, $"text0 component {i} needs exactly one of i or d");
            op[i++] = insert is not null ? Text0Component.InsertAt(position.Value, insert) : Text0Component.DeleteAt(position.Value, delete!);
        }
        return op;
    }

    /// <summary>The component as JSON: p first, then the instruction fields in a fixed order (ld before li, od before oi).</summary>
    internal void AppendJson(StringBuilder sb)
    {
        sb.Append("{\"p\":[");
        for (int i = 0; i < P.Length; i++)
        {
            if (i > 0) sb.Append(',');
            if (P[i].IsIndex) sb.Append(P[i].Index.ToString(CultureInfo.InvariantCulture));
            else JavaScriptJson.AppendString(sb, P[i].Key);
        }
        sb.Append(']');
        if (Na is { } na)
        {
            sb.Append(",\"na\":");
            JavaScriptJson.AppendNumber(sb, na);
        }
        AppendText(sb, "si", Si);
        AppendText(sb, "sd", Sd);
        AppendValue(sb, "ld", Ld);
        AppendValue(sb, "li", Li);
        if (Lm is { } lm) sb.Append(",\"lm\":").Append(lm.ToString(CultureInfo.InvariantCulture));
        AppendValue(sb, "od", Od);
        AppendValue(sb, "oi", Oi);
        AppendText(sb, "t", T);
        if (O is not null)
        {
            sb.Append(",\"o\":[");
            for (int i = 0; i < O.Count; i++)
            {
                if (i > 0) sb.Append(',');
                Text0Component t = O[i];
                sb.Append("{\"p\":").Append(t.Position.ToString(CultureInfo.InvariantCulture));
                AppendText(sb, t.IsInsert ? "i" : "d", t.Insert ?? t.Delete);
                sb.Append('}');
            }
            sb.Append(']');
        }
        sb.Append('}');
    }

    private static void AppendText(StringBuilder sb, string field, string? text)
    {
        if (text is null) return;
        sb.Append(",\"").Append(field).Append("\":");
        JavaScriptJson.AppendString(sb, text);
    }

    private static void AppendValue(StringBuilder sb, string field, Json0Value? value)
    {
        if (value is null) return;
        sb.Append(",\"").Append(field).Append("\":");
        value.AppendJson(sb);
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendJson(sb);
        return sb.ToString();
    }
}
