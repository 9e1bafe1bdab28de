using Akka.Actor;

namespace CollabActors.Documents;

/// <summary>
/// A document's subscribers, grouped by the node they live on: the document sends each committed op once per node
/// (to that node's <see cref="Fanout.NodeFanout"/>), never once per subscriber.
/// </summary>
public sealed class DocumentSubscribers
{
    private readonly Dictionary<Address, HashSet<IActorRef>> _byNode = new();

    public int Count { get; private set; }

    /// <summary>The nodes with at least one subscriber, and those subscribers.</summary>
    public IEnumerable<(Address Node, IReadOnlyCollection<IActorRef> Subscribers)> ByNode =>
        _byNode.Select(n => (n.Key, (IReadOnlyCollection<IActorRef>)n.Value));

    public IEnumerable<IActorRef> All => _byNode.Values.SelectMany(s => s);

    public bool Contains(IActorRef subscriber) =>
        _byNode.TryGetValue(subscriber.Path.Address, out HashSet<IActorRef>? set) && set.Contains(subscriber);

    /// <summary>False if it was a subscriber already.</summary>
    public bool Add(IActorRef subscriber)
    {
        Address node = subscriber.Path.Address;
        if (!_byNode.TryGetValue(node, out HashSet<IActorRef>? set)) _byNode[node] = set = [];
        if (!set.Add(subscriber)) return false;
        Count++;
        return true;
    }

    /// <summary>False if it was no subscriber.</summary>
    public bool Remove(IActorRef subscriber)
    {
        Address node = subscriber.Path.Address;
        if (!_byNode.TryGetValue(node, out HashSet<IActorRef>? set) || !set.Remove(subscriber)) return false;
        if (set.Count == 0) _byNode.Remove(node);
        Count--;
        return true;
    }
}
