namespace CollabActors.Documents;

/// <summary>
/// A document's state as the snapshot store keeps it: what <see cref="DocumentState"/> needs to carry on without
/// replaying the ops before <see cref="Version"/>. <see cref="Data"/> is in the type's stored form (the text for
/// text-unicode, which is all older snapshots hold; JSON text for the other types). <see cref="RecentSubmitters"/> keeps the last committed op of each
/// recent source so that a resend after a restart is acknowledged, not applied twice.
/// </summary>
public sealed record DocumentSnapshot(
    long Version, string? Type, string? Data, long LastOpTimestampMs, IReadOnlyList<SubmitterEntry> RecentSubmitters);

/// <summary>The last op committed from one source (<c>src</c>): its <c>seq</c> and the version it was committed at.</summary>
public sealed record SubmitterEntry(string Src, long Seq, long Version);
