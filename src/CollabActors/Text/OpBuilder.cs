namespace CollabActors.Text;

/// <summary>
/// Accumulates components with the reference's append rules: no-op components are dropped, neighbours of one
/// kind merge (deletes keep their text only when both sides carry it), and a trailing skip is trimmed at the end.
/// </summary>
internal sealed class OpBuilder
{
    private readonly List<OpComponent> _components;

    public OpBuilder(int capacity = 4) => _components = new List<OpComponent>(capacity);

    public void Append(OpComponent c)
    {
        if (c.Length == 0) return; // skip 0, "" and {d:0} / {d:""} are no-ops
        int last = _components.Count - 1;
        if (last < 0 || _components[last].Kind != c.Kind)
        {
            _components.Add(c);
            return;
        }
        OpComponent prev = _components[last];
        _components[last] = c.Kind switch
        {
            OpComponentKind.Skip => OpComponent.Skip(prev.Length + c.Length),
            OpComponentKind.Insert => OpComponent.InsertCounted(prev.Text + c.Text, prev.Length + c.Length),
            // Invert information survives only when both deletes carry their text.
            _ => prev.Text is not null && c.Text is not null
                ? OpComponent.DeleteCounted(prev.Text + c.Text, prev.Length + c.Length)
                : OpComponent.Delete(prev.Length + c.Length),
        };
    }

    /// <summary>The op built so far, with any trailing skip removed.</summary>
    public TextOp Build()
    {
        if (_components.Count > 0 && _components[^1].IsSkip) _components.RemoveAt(_components.Count - 1);
        return _components.Count == 0 ? TextOp.Empty : TextOp.FromOwnedArray(_components.ToArray());
    }
}
