namespace CollabText.RichText;

/// <summary>
/// quill-delta's Iterator: walks a delta's ops taking pieces of a given length; past the end it yields an endless
/// plain retain. Notes when it cut a text insert between the two halves of a surrogate pair, so the caller can check
/// its result (see <see cref="SurrogatePairSplitException"/>).
/// </summary>
internal struct DeltaIterator
{
    /// <summary>The reference's Infinity: the length of what lies past the last op.</summary>
    public const int Endless = int.MaxValue;

    private readonly DeltaOp[] _ops;
    private readonly int _end;
    private int _index;
    private int _offset;

    public DeltaIterator(Delta delta)
    {
        _ops = delta.OpsArray;
        _end = delta.Count;
        _index = 0;
        _offset = 0;
        CutSurrogatePair = false;
    }

    public bool CutSurrogatePair { get; private set; }

    public readonly bool HasNext => _index < _end;

    public readonly int PeekLength => _index < _end ? _ops[_index].Length - _offset : Endless;

    /// <summary>The next op's kind; past the end a retain.</summary>
    public readonly DeltaOpKind PeekKind => _index < _end ? _ops[_index].Kind : DeltaOpKind.Retain;

    public readonly DeltaOp Peek => _ops[_index];

    /// <summary>The whole rest of the current op.</summary>
    public DeltaOp Next() => Next(Endless);

    public DeltaOp Next(int length)
    {
        if (_index >= _end) return DeltaOp.TrustedRetain(Endless, null);
        DeltaOp op = _ops[_index];
        int offset = _offset;
        int remaining = op.Length - offset;
        if (length >= remaining)
        {
            length = remaining;
            _index++;
            _offset = 0;
        }
        else _offset += length;

        if (offset == 0 && length == op.Length) return op;
        if (op.IsDelete) return DeltaOp.TrustedDelete(length);
        if (op.IsRetain) return op.WithLength(length);
        string text = op.Text!; // an embed has length 1, so it is never cut
        if (IsInsidePair(text, offset) || IsInsidePair(text, offset + length)) CutSurrogatePair = true;
        return DeltaOp.TrustedText(text.Substring(offset, length), op.Attributes);
    }

    /// <summary>
    /// Takes the whole insert ops ahead, as they are, while they fit in <paramref name="length"/>, which it lowers by
    /// theirs; only at the start of an op.
    /// </summary>
    public ReadOnlySpan<DeltaOp> TakeWholeInserts(ref int length)
    {
        System.Diagnostics.Debug.Assert(_offset == 0, "whole ops are taken only at the start of one");
        int start = _index;
        while (_index < _end && _ops[_index].IsInsert && _ops[_index].Length <= length)
        {
            length -= _ops[_index].Length;
            _index++;
        }
        return _ops.AsSpan(start, _index - start);
    }

    /// <summary>Moves <paramref name="length"/> units on, across ops, without building the pieces.</summary>
    public void Skip(int length)
    {
        while (length > 0 && _index < _end)
        {
            int remaining = _ops[_index].Length - _offset;
            if (length >= remaining)
            {
                length -= remaining;
                _index++;
                _offset = 0;
            }
            else
            {
                _offset += length;
                length = 0;
            }
        }
    }

    /// <summary>
    /// The ops not yet taken, as they are; only between two ops (after <see cref="Next()"/>), where it is what
    /// quill-delta's rest() gives.
    /// </summary>
    public readonly ReadOnlySpan<DeltaOp> Remaining
    {
        get
        {
            System.Diagnostics.Debug.Assert(_offset == 0, "Remaining is only taken between two ops");
            return _ops.AsSpan(_index, _end - _index);
        }
    }

    private static bool IsInsidePair(string text, int at) =>
        at > 0 && at < text.Length && char.IsHighSurrogate(text[at - 1]) && char.IsLowSurrogate(text[at]);
}
