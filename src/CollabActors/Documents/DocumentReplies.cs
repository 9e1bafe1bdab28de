using CollabActors.Protocol;
using CollabActors.Serialization;

namespace CollabActors.Documents;

/// <summary>What a document sends back to connections: replies to commands and the ops it pushes to subscribers.</summary>
public static class DocumentReplies
{
    /// <summary>Anything a document sends a connection; it may cross nodes.</summary>
    public interface IDocumentReply : IWithDocumentId, IClusterMessage;

    /// <summary>
    /// Reply to fetch and subscribe: either the snapshot (<see cref="Snapshot"/>) or, when a version was given,
    /// the ops since it (<see cref="Ops"/>, oldest first) to be sent before the reply.
    /// </summary>
    public sealed record Fetched(
        DocumentId Document, long RequestId, WireSnapshot? Snapshot, IReadOnlyList<CommittedOp> Ops) : IDocumentReply;

    /// <summary>
    /// Reply to submit: the op is committed at <see cref="Version"/> (or was already, for a resend).
    /// <see cref="Missed"/> are the ops committed between the submitter's base version and its op, which it must
    /// receive before the ack.
    /// </summary>
    public sealed record Acknowledged(
        DocumentId Document, long RequestId, string Src, long Seq, long Version, IReadOnlyList<CommittedOp> Missed)
        : IDocumentReply;

    /// <summary>Reply to nf/nt.</summary>
    public sealed record SnapshotAt(DocumentId Document, long RequestId, WireSnapshot Snapshot) : IDocumentReply;

    /// <summary>A command the document refused; nothing changed.</summary>
    public sealed record Rejected(DocumentId Document, long RequestId, ProtocolError Error) : IDocumentReply;

    /// <summary>
    /// A committed op pushed to every subscriber but its author, in version order. Built by the
    /// <see cref="Fanout.NodeFanout"/> of the subscriber's own node, once for all its subscribers there:
    /// <see cref="Frame"/> is the op encoded at most once per encoding for all of them. It never crosses nodes (the
    /// document sends <see cref="Fanout.FanoutCommands.Publish"/>), so it has no serializer, and with
    /// serialize-messages on (the actor tests) it is handed over as is, the way it is in production.
    /// </summary>
    public sealed record OpPublished(DocumentId Document, CommittedOp Op, PreparedMessage Frame)
        : IWithDocumentId, Akka.Actor.INoSerializationVerificationNeeded;

    /// <summary>
    /// The document stopped or restarted while <c>this</c> connection was subscribed (its next incarnation, maybe on
    /// another node, has no subscribers): subscribe again from the version the client has.
    /// </summary>
    public sealed record SubscriptionLost(DocumentId Document) : IDocumentReply;

    /// <summary>Reply to <see cref="DocumentCommands.GetStatus"/>; <see cref="Node"/> is the address of the node hosting the document.</summary>
    public sealed record DocumentStatus(DocumentId Document, long Version, int Subscribers, int PresenceSubscribers, string Node)
        : IDocumentReply;
}
