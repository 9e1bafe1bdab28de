using CollabText.Json0;
using CsCheck;

namespace CollabText.Tests.Json0;

/// <summary>
/// CsCheck generators for json0 documents and valid ops on them. Deleted values (od, ld) are always the values
/// there, numbers are small integers (so na sums are exact), and, unless <c>replaceKeys</c>, oi only adds new keys:
/// the op is then invertible.
/// </summary>
internal static class Json0Gen
{
    private static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    private static readonly string[] Keys = ["a", "b", "c", "0", "1", "10", "é"];

    public static readonly Gen<string> Text = Pick("", "a", "b", "ab", "中", "x y", "\"\\\n");

    public static readonly Gen<Json0Value> Scalar = Gen.OneOf(
        Gen.Const(Json0Value.Null),
        Gen.Bool.Select(Json0Value.Boolean),
        Gen.Int[-5, 50].Select(i => Json0Value.Number(i)),
        Text.Select(Json0Value.String));

    public static Gen<Json0Value> Value(int depth) => depth <= 0
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (2, Value(depth - 1).Array[0, 3].Select(items => Json0Value.Array(items))),
            (2, Gen.Select(Pick(Keys), Value(depth - 1)).Array[0, 3].Select(ps =>
                Json0Value.Object(ps.Select(p => new KeyValuePair<string, Json0Value>(p.Item1, p.Item2))))));

    public static readonly Gen<Json0Value> Document = Gen.Select(Pick(Keys), Value(2)).Array[1, 5]
        .Select(ps => Json0Value.Object(ps.Select(p => new KeyValuePair<string, Json0Value>(p.Item1, p.Item2))));

    /// <summary>Every path in the document with the value there, the root first.</summary>
    public static List<(Json0PathSegment[] Path, Json0Value Value)> Paths(Json0Value doc)
    {
        var result = new List<(Json0PathSegment[], Json0Value)>();
        void Walk(Json0Value v, Json0PathSegment[] p)
        {
            result.Add((p, v));
            if (v.IsArray)
                for (int i = 0; i < v.Count; i++) Walk(v[i], [.. p, i]);
            else if (v.IsObject)
                foreach (var (key, value) in v.Properties) Walk(value, [.. p, key]);
        }
        Walk(doc, []);
        return result;
    }

    /// <summary>A component that fits the document.</summary>
    public static Gen<Json0Component> ComponentFor(Json0Value doc, bool replaceKeys = false, bool moves = true, bool text0 = false)
    {
        var paths = Paths(doc);
        return Gen.Int[0, paths.Count - 1].SelectMany(at =>
        {
            var (p, v) = paths[at];
            if (v.IsArray)
            {
                int n = v.Count;
                var insert = Gen.Select(Gen.Int[0, n], Value(1), (i, x) => Json0Component.InsertIntoList([.. p, i], x));
                if (n == 0) return insert;
                var delete = Gen.Int[0, n - 1].Select(i => Json0Component.DeleteFromList([.. p, i], v[i]));
                var replace = Gen.Select(Gen.Int[0, n - 1], Value(1), (i, x) => Json0Component.ReplaceInList([.. p, i], v[i], x));
                var move = Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1], (i, to) => Json0Component.MoveInList([.. p, i], to));
                return moves ? Gen.OneOf(insert, delete, replace, move) : Gen.OneOf(insert, delete, replace);
            }
            if (v.IsObject)
            {
                var free = Keys.Where(k => !v.TryGetProperty(k, out _)).ToArray();
                var present = v.Keys.ToArray();
                var gens = new List<Gen<Json0Component>>();
                if (free.Length > 0) gens.Add(Gen.Select(Pick(free), Value(1), (k, x) => Json0Component.InsertIntoObject([.. p, k], x)));
                if (present.Length > 0)
                {
                    gens.Add(Pick(present).Select(k => { v.TryGetProperty(k, out var old); return Json0Component.DeleteFromObject([.. p, k], old); }));
                    gens.Add(Gen.Select(Pick(present), Value(1), (k, x) => { v.TryGetProperty(k, out var old); return Json0Component.ReplaceInObject([.. p, k], old, x); }));
                    if (replaceKeys) gens.Add(Gen.Select(Pick(present), Value(1), (k, x) => Json0Component.InsertIntoObject([.. p, k], x)));
                }
                return gens.Count == 0 ? Gen.Const(Json0Component.ReplaceInObject([], doc, Json0Value.EmptyObject)) : Gen.OneOf(gens.ToArray());
            }
            if (v.IsNumber) return Gen.Int[-3, 3].Select(d => Json0Component.AddToNumber(p, d));
            if (v.IsString)
            {
                string s = v.AsString();
                var insert = Gen.Select(Gen.Int[0, s.Length], Text.Where(t => t.Length > 0), (i, t) => Json0Component.InsertIntoString([.. p, i], t));
                var textInsert = Gen.Select(Gen.Int[0, s.Length], Text.Where(t => t.Length > 0), (i, t) => Json0Component.Text0(p, [Text0Component.InsertAt(i, t)]));
                // si/sd and t:text0 on one string do not transform against each other in json0: one style per run.
                if (s.Length == 0) return text0 ? textInsert : insert;
                var delete = Gen.Int[0, s.Length - 1].SelectMany(i => Gen.Int[1, s.Length - i].Select(len => Json0Component.DeleteFromString([.. p, i], s.Substring(i, len))));
                var text0Delete = Gen.Int[0, s.Length - 1].SelectMany(i => Gen.Int[1, s.Length - i].Select(len => Json0Component.Text0(p, [Text0Component.DeleteAt(i, s.Substring(i, len))])));
                return text0 ? Gen.OneOf(textInsert, text0Delete) : Gen.OneOf(insert, delete);
            }
            // null or a boolean: replace it in its parent if it has one, else replace the whole document.
            return Gen.Const(Json0Component.ReplaceInObject([], doc, Json0Value.EmptyObject));
        });
    }

    /// <summary>An op of 1 to <paramref name="max"/> components, each made for the document the previous ones leave.</summary>
    public static Gen<Json0Op> OpFor(Json0Value doc, int max = 3, bool replaceKeys = false, bool moves = true, bool text0 = false) =>
        Gen.Int[1, max].SelectMany(n => Steps(doc, n, replaceKeys, moves, text0).Select(cs => new Json0Op(cs)));

    private static Gen<List<Json0Component>> Steps(Json0Value doc, int n, bool replaceKeys, bool moves, bool text0) => n == 0
        ? Gen.Const(new List<Json0Component>())
        : ComponentFor(doc, replaceKeys, moves, text0).SelectMany(c =>
            Steps(Json0Type.Apply(doc, new Json0Op([c])), n - 1, replaceKeys, moves, text0).Select(rest => { rest.Insert(0, c); return rest; }));
}
