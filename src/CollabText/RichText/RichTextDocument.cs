namespace CollabText.RichText;

/// <summary>
/// A rich-text document that one owner edits op after op, as a server holds the current version of a document: each
/// apply gives what <see cref="RichTextType.Apply"/> gives, but builds the new document in an array the document keeps
/// for the purpose (the previous version's, once nobody else can see it) instead of a new one per op: a long document
/// is thousands of ops, and a new array for each keystroke was most of an apply's cost, in the garbage collector.
/// <see cref="Snapshot"/> hands out the document as an immutable <see cref="Delta"/>, whose array is then never reused.
/// Not thread-safe: one owner.
/// </summary>
public sealed class RichTextDocument
{
    private Delta _current;
    private bool _currentIsHandedOut = true; // the start value is the caller's
    private DeltaOp[]? _spare; // an array no delta anyone can see uses: the next result is built in it

    public RichTextDocument(Delta start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!start.IsDocument)
            throw new InvalidDeltaException("The document must hold inserts only (a rich-text document is a delta of inserts).");
        _current = start;
    }

    /// <summary>
    /// Applies the op; throws as <see cref="RichTextType.Apply"/> does, and then the document is as it was (the result
    /// was being built in the spare array only).
    /// </summary>
    public void Apply(Delta op)
    {
        Delta next = RichTextType.ApplyInto(_current, op, _spare);
        // The version this op replaced is seen by no one else unless it was handed out: its array is the next spare.
        _spare = _currentIsHandedOut || ReferenceEquals(_current.OpsArray, next.OpsArray) ? null : _current.OpsArray;
        _current = next;
        _currentIsHandedOut = ReferenceEquals(next, Delta.Empty);
    }

    /// <summary>The document now, immutable: later applies never write into its array.</summary>
    public Delta Snapshot()
    {
        _currentIsHandedOut = true;
        return _current;
    }
}
