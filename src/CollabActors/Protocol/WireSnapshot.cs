namespace CollabActors.Protocol;

/// <summary>
/// A document snapshot as the wire carries it: <c>{v, data, type}</c>. <see cref="Type"/> is the type's URI, null when
/// the document does not exist (never created, or deleted); then <c>data</c> is left out, as ShareDB does.
/// <see cref="Data"/> is in the type's stored form (<see cref="CollabText.Types.OtDocument.ToStored"/>: the text for
/// text-unicode, JSON text for the other types); the type writes it as the wire has it.
/// </summary>
public sealed record WireSnapshot(long Version, string? Type, string? Data);
