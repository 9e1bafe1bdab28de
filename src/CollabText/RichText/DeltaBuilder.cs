namespace CollabText.RichText;

/// <summary>
/// Builds a delta the way quill-delta's push does: neighbouring deletes add up, an insert goes before a delete it
/// follows, neighbouring text inserts (and retains) with equal attributes merge; <see cref="Chop"/> drops a trailing
/// plain retain. The engine's results must merge exactly as the reference's do, or they would differ op by op.
/// </summary>
internal sealed class DeltaBuilder
{
    private DeltaOp[] _ops;
    private int _count;

    public DeltaBuilder(int capacity = 8) => _ops = new DeltaOp[Math.Max(capacity, 4)];

    /// <summary>Builds into <paramref name="buffer"/> (whatever it holds is overwritten), or a new array if it is smaller than <paramref name="capacity"/>.</summary>
    public DeltaBuilder(DeltaOp[]? buffer, int capacity) =>
        _ops = buffer is not null && buffer.Length >= capacity ? buffer : new DeltaOp[Math.Max(capacity, 4)];

    public int Count => _count;

    public DeltaOp Last => _ops[_count - 1];

    public void Push(DeltaOp op)
    {
        int index = _count;
        if (index > 0)
        {
            DeltaOp last = _ops[index - 1];
            if (op.IsDelete && last.IsDelete)
            {
                _ops[index - 1] = DeltaOp.TrustedDelete(last.Length + op.Length);
                return;
            }
            // It does not matter whether one inserts before or after deleting at the same place: insert first.
            if (last.IsDelete && op.IsInsert)
            {
                index--;
                if (index == 0)
                {
                    InsertAt(0, op);
                    return;
                }
                last = _ops[index - 1];
            }
            if (AttributeMap.AreEqual(op.Attributes, last.Attributes))
            {
                if (op.Text is not null && last.Text is not null)
                {
                    _ops[index - 1] = DeltaOp.TrustedText(string.Concat(last.Text, op.Text), op.Attributes);
                    return;
                }
                if (op.IsRetain && last.IsRetain)
                {
                    _ops[index - 1] = DeltaOp.TrustedRetain(last.Length + op.Length, op.Attributes);
                    return;
                }
            }
        }
        InsertAt(index, op);
    }

    /// <summary>Appends without merging (the reference builds some results as a plain array of ops).</summary>
    public void Append(DeltaOp op) => InsertAt(_count, op);

    public void Retain(int length, AttributeMap? attributes = null)
    {
        if (length > 0) Push(DeltaOp.TrustedRetain(length, attributes));
    }

    public void Delete(int length)
    {
        if (length > 0) Push(DeltaOp.TrustedDelete(length));
    }

    /// <summary>Appends the ops as they are, without merging (quill-delta's concat after its first op).</summary>
    public void AppendRange(ReadOnlySpan<DeltaOp> ops)
    {
        EnsureCapacity(_count + ops.Length);
        ops.CopyTo(_ops.AsSpan(_count));
        _count += ops.Length;
    }

    public DeltaBuilder Chop()
    {
        if (_count > 0)
        {
            DeltaOp last = _ops[_count - 1];
            if (last.IsRetain && last.Attributes is null) _count--;
        }
        return this;
    }

    /// <summary>True when some text insert holds half of a surrogate pair.</summary>
    public bool HasUnpairedSurrogate()
    {
        for (int i = 0; i < _count; i++)
        {
            if (_ops[i].Text is { } text && !CodePoints.IsWellFormed(text)) return true;
        }
        return false;
    }

    /// <summary>
    /// The delta built; the builder must not be used after. The delta takes the builder's array unless much of it is
    /// unused: copying a long document's ops to an exact-size array cost as much as composing them.
    /// </summary>
    public Delta Build(int? documentLength = null)
    {
        if (documentLength is { } length) return _count == 0 ? Delta.Empty : new Delta(_ops, _count, length); // the owner's buffer, kept whole
        if (_count == 0) return Delta.Empty;
        int unused = _ops.Length - _count;
        return unused > 16 && unused > _count / 4 ? new Delta(_ops.AsSpan(0, _count).ToArray()) : new Delta(_ops, _count);
    }

    private void InsertAt(int index, DeltaOp op)
    {
        EnsureCapacity(_count + 1);
        if (index < _count) Array.Copy(_ops, index, _ops, index + 1, _count - index);
        _ops[index] = op;
        _count++;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _ops.Length) return;
        Array.Resize(ref _ops, Math.Max(needed, _ops.Length * 2));
    }
}
