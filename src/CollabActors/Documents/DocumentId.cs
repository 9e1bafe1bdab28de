namespace CollabActors.Documents;

/// <summary>Names one document: a collection and an id within it, as the wire's <c>c</c> and <c>d</c>.</summary>
public sealed record DocumentId(string Collection, string Id)
{
    /// <summary>
    /// The sharding entity id and persistence id stem. Both parts are percent-escaped so that no two documents
    /// share one ("a/b" + "c" and "a" + "b/c" differ).
    /// </summary>
    public string EntityId => Uri.EscapeDataString(Collection) + "/" + Uri.EscapeDataString(Id);

    /// <summary>The ShareDB presence channel of this document (<c>DocPresence</c> uses "collection.id").</summary>
    public string PresenceChannel => Collection + "." + Id;

    public static DocumentId FromEntityId(string entityId)
    {
        int slash = entityId.IndexOf('/');
        if (slash < 0) throw new ArgumentException($"'{entityId}' is not a document entity id.", nameof(entityId));
        return new DocumentId(Uri.UnescapeDataString(entityId[..slash]), Uri.UnescapeDataString(entityId[(slash + 1)..]));
    }

    public override string ToString() => Collection + "/" + Id;
}
