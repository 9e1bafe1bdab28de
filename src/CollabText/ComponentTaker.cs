namespace CollabText;

/// <summary>
/// Reads an op's components piece by piece for transform and compose (the reference's take/peek): past the end
/// the op is an endless skip. Offsets are kept both in code points and in UTF-16 units so slicing a long insert
/// repeatedly stays linear.
/// </summary>
internal ref struct ComponentTaker
{
    public const int Whole = -1;

    private readonly OpComponent[] _components;
    private int _index;
    private int _cpOffset;
    private int _charOffset;

    public ComponentTaker(TextOp op) => _components = op.Items;

    public OpComponent? Peek() => _index < _components.Length ? _components[_index] : null;

    /// <summary>
    /// Takes up to <paramref name="n"/> code points (or the whole remaining component when n is <see cref="Whole"/>);
    /// a component of kind <paramref name="indivisible"/> is always taken whole. Returns null at the end for Whole.
    /// </summary>
    public OpComponent? Take(int n, OpComponentKind? indivisible)
    {
        if (_index == _components.Length) return n == Whole ? null : OpComponent.Skip(n);
        OpComponent c = _components[_index];
        int remaining = c.Length - _cpOffset;
        bool takeAll = n == Whole || indivisible == c.Kind || remaining <= n;
        if (c.Text is null)
        {
            // Skip or a delete without text: plain counts.
            if (takeAll)
            {
                Next();
                return c.IsSkip ? OpComponent.Skip(remaining) : OpComponent.Delete(remaining);
            }
            _cpOffset += n;
            return c.IsSkip ? OpComponent.Skip(n) : OpComponent.Delete(n);
        }

        string text = c.Text;
        string part;
        int partLength;
        if (takeAll)
        {
            part = _charOffset == 0 ? text : text.Substring(_charOffset);
            partLength = remaining;
            Next();
        }
        else
        {
            int end = CodePoints.Advance(text, _charOffset, n);
            part = text.Substring(_charOffset, end - _charOffset);
            partLength = n;
            _charOffset = end;
            _cpOffset += n;
        }
        return c.IsInsert ? OpComponent.InsertCounted(part, partLength) : OpComponent.DeleteCounted(part, partLength);
    }

    private void Next()
    {
        _index++;
        _cpOffset = 0;
        _charOffset = 0;
    }
}
