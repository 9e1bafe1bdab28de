using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>What <see cref="DocumentState.Decide"/> makes of a submitted op.</summary>
public abstract record SubmitDecision
{
    /// <summary>Commit this op (already transformed to the current version).</summary>
    public sealed record Commit(CommittedOp Op) : SubmitDecision;

    /// <summary>The same src and seq was committed before at <see cref="Version"/>: ack it again, apply nothing.</summary>
    public sealed record AlreadyCommitted(long Version) : SubmitDecision;

    /// <summary>
    /// The op's base version is older than the in-memory op log: read the committed ops from <see cref="From"/> on
    /// from the journal and decide again with them.
    /// </summary>
    public sealed record NeedOlderOps(long From) : SubmitDecision;

    /// <summary>Refuse the op; the document does not change.</summary>
    public sealed record Reject(ProtocolError Error) : SubmitDecision;
}
