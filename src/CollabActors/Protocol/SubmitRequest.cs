namespace CollabActors.Protocol;

/// <summary>
/// <c>op</c>: submit a change at base version <see cref="Version"/>. <see cref="Src"/> is only present when the
/// client resubmits an op made under an earlier connection id; otherwise the session's id is the source.
/// <see cref="Version"/> is null only when the client creates a document it has not fetched (ShareDB then takes
/// the document's current version).
/// </summary>
public sealed record SubmitRequest(
    string Collection,
    string DocumentId,
    long? Version,
    string? Src,
    long Seq,
    OpChange Change) : ClientMessage
{
    public override string Action => MessageActions.Op;

    public override RequestEcho Echo() => new(Action, Collection, DocumentId, Seq: Seq, Version: Version, Src: Src);
}
