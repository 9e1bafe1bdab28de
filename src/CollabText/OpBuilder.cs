using System.Runtime.CompilerServices;

namespace CollabText;

/// <summary>
/// Accumulates components with the reference's append rules: no-op components are dropped, neighbours of one
/// kind merge (deletes keep their text only when both sides carry it), and a trailing skip is trimmed at the end.
/// A stack-only value: the first few components live inline, so transforming or composing small ops (the common
/// case: a keystroke against a keystroke) allocates only the resulting op.
/// </summary>
internal ref struct OpBuilder
{
    private const int InlineCapacity = 8;

    private InlineComponents _inline;
    private OpComponent[]? _spilled; // holds every component once there are more than InlineCapacity
    private int _count;

    public OpBuilder()
    {
    }

    /// <param name="capacity">Expected number of components; beyond the inline buffer it is allocated up front.</param>
    public OpBuilder(int capacity)
    {
        if (capacity > InlineCapacity) _spilled = new OpComponent[capacity];
    }

    public void Append(OpComponent c)
    {
        if (c.Length == 0) return; // skip 0, "" and {d:0} / {d:""} are no-ops
        Span<OpComponent> items = _spilled is not null ? _spilled : _inline;
        int last = _count - 1;
        if (last >= 0 && items[last].Kind == c.Kind)
        {
            items[last] = Merge(items[last], c);
            return;
        }
        if (_count == items.Length)
        {
            var bigger = new OpComponent[items.Length * 2];
            items.CopyTo(bigger);
            _spilled = bigger;
            items = bigger;
        }
        items[_count++] = c;
    }

    private static OpComponent Merge(OpComponent prev, OpComponent c) => c.Kind switch
    {
        OpComponentKind.Skip => OpComponent.Skip(prev.Length + c.Length),
        OpComponentKind.Insert => OpComponent.InsertCounted(prev.Text + c.Text, prev.Length + c.Length),
        // Invert information survives only when both deletes carry their text.
        _ => prev.Text is not null && c.Text is not null
            ? OpComponent.DeleteCounted(prev.Text + c.Text, prev.Length + c.Length)
            : OpComponent.Delete(prev.Length + c.Length),
    };

    /// <summary>The op built so far, with any trailing skip removed.</summary>
    public TextOp Build()
    {
        ReadOnlySpan<OpComponent> items = _spilled is not null ? _spilled : _inline;
        int count = _count;
        if (count > 0 && items[count - 1].IsSkip) count--;
        return count == 0 ? TextOp.Empty : TextOp.FromOwnedArray(items[..count].ToArray());
    }

    [InlineArray(InlineCapacity)]
    private struct InlineComponents
    {
        private OpComponent _first;
    }
}
