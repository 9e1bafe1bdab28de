using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>What <see cref="DocumentState.Decide"/> makes of a submitted op.</summary>
public abstract record SubmitDecision
{
    /// <summary>Commit this op (already transformed to the current version).</summary>
    public sealed record Commit(CommittedOp Op) : SubmitDecision;

    /// <summary>The same src and seq was committed before at <see cref="Version"/>: ack it again, apply nothing.</summary>
    public sealed record AlreadyCommitted(long Version) : SubmitDecision;

    /// <summary>Refuse the op; the document does not change.</summary>
    public sealed record Reject(ProtocolError Error) : SubmitDecision;
}
