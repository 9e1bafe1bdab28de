namespace CollabHost.ReadModel;

/// <summary>
/// One document as the read model holds it: the row of <c>collab_documents</c>. <see cref="Type"/> is the type URI,
/// null once the document is deleted (the row stays, as ShareDB's databases keep a tombstone). <see cref="Stored"/> is
/// the type's stored form (what the projector applies the next op to), <see cref="Data"/> the snapshot's data as JSON
/// (what queries look into). <see cref="CreatedOrder"/> is the journal ordering of the document's first event: the
/// order results take when their sort keys tie, as the creation order is in sharedb-mingo-memory.
/// </summary>
public sealed record DocumentRow(
    string Collection,
    string Id,
    string? Type,
    long Version,
    long? CreatedMs,
    long ModifiedMs,
    long CreatedOrder,
    string? Stored,
    string? Data);
