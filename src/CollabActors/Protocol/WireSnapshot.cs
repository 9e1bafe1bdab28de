namespace CollabActors.Protocol;

/// <summary>
/// A document snapshot as the wire carries it: <c>{v, data, type}</c>. <see cref="Type"/> null means the document
/// does not exist (never created, or deleted); then <c>data</c> is left out, as ShareDB does.
/// </summary>
public sealed record WireSnapshot(long Version, string? Type, string? Data);
