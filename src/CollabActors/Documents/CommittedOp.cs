using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>
/// One op in a document's history: the change as it was applied at <see cref="Version"/> (the snapshot version
/// before it; the document is at <c>Version + 1</c> after it), who sent it (<see cref="Src"/>, <see cref="Seq"/>,
/// used to dedupe resends) and when it was committed (Unix ms, for <c>nt</c>).
/// </summary>
public sealed record CommittedOp(long Version, string Src, long Seq, OpChange Change, long TimestampMs);
