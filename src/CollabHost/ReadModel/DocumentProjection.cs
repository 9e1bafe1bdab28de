using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;
using CollabText.Types;

namespace CollabHost.ReadModel;

/// <summary>
/// One document's row being brought forward by its journal events: ops apply to the document in its type (one
/// <see cref="OtDocument"/>, parsed from the row once and kept while the projector keeps this projection in
/// <see cref="RecentProjections"/>), and <see cref="ToRow"/> gives the row to write after each batch. Pure: no
/// database, no actors; <see cref="ReadModelProjector"/> feeds it.
/// </summary>
public sealed class DocumentProjection
{
    private readonly string _collection;
    private readonly string _id;
    private OtType? _type;
    private OtDocument? _document;
    private string? _stored;
    private long? _createdMs;
    private long _modifiedMs;
    private long _createdOrder;

    /// <param name="current">The row as the read model has it, or null for a document it has not seen.</param>
    public DocumentProjection(DocumentId document, DocumentRow? current)
    {
        _collection = document.Collection;
        _id = document.Id;
        if (current is null) return;
        Version = current.Version;
        _type = current.Type is { } uri ? OtTypes.Get(uri) : null;
        _stored = current.Stored;
        _createdMs = current.CreatedMs;
        _modifiedMs = current.ModifiedMs;
        _createdOrder = current.CreatedOrder;
    }

    /// <summary>Events applied so far: the document's version (the sequence number of its last event).</summary>
    public long Version { get; private set; }

    /// <summary>Whether anything was applied since the row was read or last written (<see cref="MarkWritten"/>).</summary>
    public bool Changed { get; private set; }

    /// <summary>The row <see cref="ToRow"/> gave is committed: from here on this projection is the row as it is.</summary>
    public void MarkWritten() => Changed = false;

    /// <summary>
    /// Applies the event with sequence number <paramref name="sequenceNr"/> (the op committed at version
    /// <c>sequenceNr - 1</c>). The caller gives events in order with none missing; an event already applied is
    /// ignored, so reading a journal range twice changes nothing.
    /// </summary>
    public void Apply(long sequenceNr, long ordering, CommittedOp op)
    {
        if (sequenceNr <= Version) return;
        if (sequenceNr != Version + 1)
            throw new InvalidOperationException(
                $"{_collection}/{_id}: event {sequenceNr} follows version {Version}; events {Version + 1}..{sequenceNr - 1} are missing.");
        switch (op.Change)
        {
            case CreateChange create:
                _type = OtTypes.Get(create.Type);
                _document = _type.Create(create.Data?.ToElement(), int.MaxValue);
                _stored = null;
                _createdMs = op.TimestampMs;
                break;
            case EditChange edit:
                OtType type = _type ?? throw new InvalidOperationException($"{_collection}/{_id}: an edit at version {Version} of a document that does not exist.");
                _document ??= type.Restore(_stored ?? throw new InvalidOperationException($"{_collection}/{_id} has no stored data."), int.MaxValue);
                _document.ApplyForward(type.Read(edit.Op)); // no undo: the read model never steps back
                _stored = null;
                break;
            case DeleteChange:
                _type = null;
                _document = null;
                _stored = null;
                break;
        }
        if (Version == 0) _createdOrder = ordering;
        _modifiedMs = op.TimestampMs;
        Version = sequenceNr;
        Changed = true;
    }

    /// <summary>The row as it is after the events applied so far. Changes nothing here: a row whose write fails was never taken.</summary>
    public DocumentRow ToRow()
    {
        // Not kept in _stored: the next edit applies to _document, and a cached projection holds one form of it, not two.
        string? stored = _document is not null ? _document.ToStored() : _stored;
        string? data = _type is not null && stored is not null ? DataJson(_type, stored) : null;
        return new DocumentRow(_collection, _id, _type?.Uri, Version, _createdMs, _modifiedMs, _createdOrder,
            _type is null ? null : stored, data);
    }

    /// <summary>The snapshot's data as the wire has it (a JSON string for text-unicode, the JSON itself for json0).</summary>
    public static string DataJson(OtType type, string stored) =>
        ScratchJsonWriter.ToText((type, stored), static (writer, row) => row.type.WriteStoredData(writer, row.stored));
}
