namespace CollabText.Json0;

/// <summary>
/// Builds a whole-op transform from a component transform, as the reference's bootstrapTransform.js does for json0
/// and text0: each component of one op is carried past every component of the other, in the same order and with
/// the same recursion, so results (including where components merge) are the reference's.
/// </summary>
internal static class BootstrapTransform
{
    /// <summary>Appends <paramref name="c"/> transformed past <paramref name="other"/> to <paramref name="dest"/>.</summary>
    public delegate void ComponentTransform<T>(List<T> dest, T c, T other, TransformSide side);

    public static IReadOnlyList<T> Transform<T>(IReadOnlyList<T> op, IReadOnlyList<T> other, TransformSide side,
        ComponentTransform<T> transformComponent, Action<List<T>, T> append) where T : class
    {
        if (other.Count == 0) return op;
        if (op.Count == 1 && other.Count == 1)
        {
            var dest = new List<T>();
            transformComponent(dest, op[0], other[0], side);
            return dest;
        }
        return side == TransformSide.Left
            ? TransformX(op, other, transformComponent, append).Left
            : TransformX(other, op, transformComponent, append).Right;
    }

    public static (List<T> Left, List<T> Right) TransformX<T>(IReadOnlyList<T> leftOp, IReadOnlyList<T> rightOp,
        ComponentTransform<T> transformComponent, Action<List<T>, T> append) where T : class
    {
        var newRightOp = new List<T>();
        IReadOnlyList<T> left = leftOp;
        for (int i = 0; i < rightOp.Count; i++)
        {
            T? rightComponent = rightOp[i];
            var newLeftOp = new List<T>();
            int k = 0;
            while (k < left.Count)
            {
                var nextC = new List<T>();
                transformComponent(newLeftOp, left[k], rightComponent!, TransformSide.Left);
                transformComponent(nextC, rightComponent!, left[k], TransformSide.Right);
                k++;
                if (nextC.Count == 1)
                {
                    rightComponent = nextC[0];
                }
                else if (nextC.Count == 0)
                {
                    for (int j = k; j < left.Count; j++) append(newLeftOp, left[j]);
                    rightComponent = null;
                    break;
                }
                else
                {
                    // The right component split in two: carry the pieces past the rest of the left op.
                    var rest = new List<T>(left.Count - k);
                    for (int j = k; j < left.Count; j++) rest.Add(left[j]);
                    var (pairLeft, pairRight) = TransformX(rest, nextC, transformComponent, append);
                    foreach (T c in pairLeft) append(newLeftOp, c);
                    foreach (T c in pairRight) append(newRightOp, c);
                    rightComponent = null;
                    break;
                }
            }
            if (rightComponent is not null) append(newRightOp, rightComponent);
            left = newLeftOp;
        }
        return (left as List<T> ?? [.. left], newRightOp);
    }
}
