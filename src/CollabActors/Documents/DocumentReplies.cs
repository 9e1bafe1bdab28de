using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>What a document sends back to connections: replies to commands and the ops it pushes to subscribers.</summary>
public static class DocumentReplies
{
    /// <summary>
    /// Reply to fetch and subscribe: either the snapshot (<see cref="Snapshot"/>) or, when a version was given,
    /// the ops since it (<see cref="Ops"/>, oldest first) to be sent before the reply.
    /// </summary>
    public sealed record Fetched(
        DocumentId Document, long RequestId, WireSnapshot? Snapshot, IReadOnlyList<CommittedOp> Ops) : IWithDocumentId;

    /// <summary>
    /// Reply to submit: the op is committed at <see cref="Version"/> (or was already, for a resend).
    /// <see cref="Missed"/> are the ops committed between the submitter's base version and its op, which it must
    /// receive before the ack.
    /// </summary>
    public sealed record Acknowledged(
        DocumentId Document, long RequestId, string Src, long Seq, long Version, IReadOnlyList<CommittedOp> Missed)
        : IWithDocumentId;

    /// <summary>Reply to nf/nt.</summary>
    public sealed record SnapshotAt(DocumentId Document, long RequestId, WireSnapshot Snapshot) : IWithDocumentId;

    /// <summary>A command the document refused; nothing changed.</summary>
    public sealed record Rejected(DocumentId Document, long RequestId, ProtocolError Error) : IWithDocumentId;

    /// <summary>
    /// A committed op pushed to every subscriber but its author, in version order. <see cref="Frame"/> is the op
    /// encoded once for all of them.
    /// </summary>
    public sealed record OpPublished(DocumentId Document, CommittedOp Op, PreparedMessage Frame) : IWithDocumentId;

    /// <summary>
    /// The document stopped or restarted while <c>this</c> connection was subscribed (its next incarnation, maybe on
    /// another node, has no subscribers): subscribe again from the version the client has.
    /// </summary>
    public sealed record SubscriptionLost(DocumentId Document) : IWithDocumentId;

    /// <summary>Reply to <see cref="DocumentCommands.GetStatus"/>; <see cref="Node"/> is the address of the node hosting the document.</summary>
    public sealed record DocumentStatus(DocumentId Document, long Version, int Subscribers, int PresenceSubscribers, string Node)
        : IWithDocumentId;
}
