using CollabActors.Documents;

namespace CollabHost.ReadModel;

/// <summary>
/// The projections of the documents the projector wrote most recently, as their rows now are, so that a document
/// edited in batch after batch is neither read back from its row nor parsed again each time. Bounded: past
/// <see cref="Capacity"/> documents the least recently used is dropped (and read from its row when it is next edited).
/// Not thread-safe: the projector's thread alone uses it.
/// </summary>
public sealed class RecentProjections(int capacity)
{
    private readonly Dictionary<DocumentId, LinkedListNode<(DocumentId Document, DocumentProjection Projection)>> _byDocument = new();

    // Most recently used first.
    private readonly LinkedList<(DocumentId Document, DocumentProjection Projection)> _order = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "At least one document.");

    public int Count => _byDocument.Count;

    public bool TryGet(DocumentId document, out DocumentProjection projection)
    {
        if (_byDocument.TryGetValue(document, out var node))
        {
            _order.Remove(node);
            _order.AddFirst(node);
            projection = node.Value.Projection;
            return true;
        }
        projection = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="projection"/> as <paramref name="document"/>'s, dropping the least recently used past the capacity.</summary>
    public void Put(DocumentId document, DocumentProjection projection)
    {
        if (_byDocument.TryGetValue(document, out var node))
        {
            _order.Remove(node);
            node.Value = (document, projection);
            _order.AddFirst(node);
            return;
        }
        _byDocument[document] = _order.AddFirst((document, projection));
        if (_byDocument.Count <= Capacity) return;
        _byDocument.Remove(_order.Last!.Value.Document);
        _order.RemoveLast();
    }

    public void Remove(DocumentId document)
    {
        if (_byDocument.Remove(document, out var node)) _order.Remove(node);
    }

    public void Clear()
    {
        _byDocument.Clear();
        _order.Clear();
    }
}
