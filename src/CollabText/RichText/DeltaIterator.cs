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
    private int _index;
    private int _offset;

    public DeltaIterator(DeltaOp[] ops)
    {
        _ops = ops;
        _index = 0;
        _offset = 0;
        CutSurrogatePair = false;
    }

    public bool CutSurrogatePair { get; private set; }

    public readonly bool HasNext => _index < _ops.Length;

    public readonly int PeekLength => _index < _ops.Length ? _ops[_index].Length - _offset : Endless;

    /// <summary>The next op's kind; past the end a retain.</summary>
    public readonly DeltaOpKind PeekKind => _index < _ops.Length ? _ops[_index].Kind : DeltaOpKind.Retain;

    public readonly DeltaOp Peek => _ops[_index];

    /// <summary>The whole rest of the current op.</summary>
    public DeltaOp Next() => Next(Endless);

    public DeltaOp Next(int length)
    {
        if (_index >= _ops.Length) return DeltaOp.TrustedRetain(Endless, null);
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

    /// <summary>Moves <paramref name="length"/> units on, across ops, without building the pieces.</summary>
    public void Skip(int length)
    {
        while (length > 0 && _index < _ops.Length)
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

    /// <summary>The ops not yet taken, the current one cut at the offset.</summary>
    public DeltaOp[] Rest()
    {
        if (_index >= _ops.Length) return [];
        if (_offset == 0) return _ops[_index..];
        int index = _index, offset = _offset;
        DeltaOp next = Next();
        var rest = new DeltaOp[_ops.Length - index];
        rest[0] = next;
        Array.Copy(_ops, index + 1, rest, 1, rest.Length - 1);
        _index = index;
        _offset = offset;
        return rest;
    }

    private static bool IsInsidePair(string text, int at) =>
        at > 0 && at < text.Length && char.IsHighSurrogate(text[at - 1]) && char.IsLowSurrogate(text[at]);
}
