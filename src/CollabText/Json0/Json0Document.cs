namespace CollabText.Json0;

/// <summary>
/// A json0 document that one owner edits op after op, as a server holds the current version of a document: the
/// result of each apply is what <see cref="Json0Type.Apply(Json0Value, Json0Op)"/> gives, but a list or object this
/// document's own edits made is changed in place rather than copied again (a keystroke in one item of a long list would
/// otherwise copy the whole list). <see cref="Snapshot"/> hands out the document as an immutable
/// <see cref="Json0Value"/>; edits after it copy again, so a snapshot never changes. Not thread-safe: one owner.
/// </summary>
public sealed class Json0Document
{
    private Json0Value _root;
    private Json0DocumentOwner _owner = new();

    public Json0Document(Json0Value start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _root = start;
    }

    /// <summary>
    /// Applies the op. Throws <see cref="Json0ApplyException"/> if it does not fit the document, and then nothing of
    /// it is applied, as with <see cref="Json0Type.Apply(Json0Value, Json0Op)"/>.
    /// </summary>
    public void Apply(Json0Op op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (op.Count <= 1)
        {
            // One component fails before it changes anything, or succeeds (see Json0Apply).
            _root = Json0Apply.Apply(_root, op, _owner);
            return;
        }
        // A later component may fail after an earlier one changed containers in place: start this op under a new
        // owner, so the earlier containers are copied, not changed, and the document before the op stays whole.
        _owner = new Json0DocumentOwner();
        _root = Json0Apply.Apply(_root, op, _owner);
    }

    /// <summary>The document now, immutable: later applies do not change it.</summary>
    public Json0Value Snapshot()
    {
        _owner = new Json0DocumentOwner();
        return _root;
    }
}
