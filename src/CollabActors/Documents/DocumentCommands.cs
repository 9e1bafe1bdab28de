using Akka.Actor;
using CollabActors.Protocol;
using CollabActors.Serialization;

namespace CollabActors.Documents;

/// <summary>
/// What a connection asks of a document. Every command names the actor to answer (<c>ReplyTo</c>, a connection)
/// and a <c>RequestId</c> the connection chose, echoed in the reply so it can match replies to requests.
/// </summary>
public static class DocumentCommands
{
    /// <summary>Anything sent to a document; it may cross nodes.</summary>
    public interface IDocumentCommand : IWithDocumentId, IClusterMessage;

    /// <summary>A command a document answers: to <see cref="ReplyTo"/>, echoing <see cref="RequestId"/>.</summary>
    public interface IDocumentRequest : IDocumentCommand
    {
        long RequestId { get; }

        IActorRef ReplyTo { get; }
    }

    /// <summary><c>f</c>: the snapshot, or with <see cref="FromVersion"/> the ops since that version.</summary>
    public sealed record Fetch(DocumentId Document, long RequestId, IActorRef ReplyTo, long? FromVersion) : IDocumentRequest;

    /// <summary><c>s</c>: as fetch, and from then on every committed op is pushed to <see cref="ReplyTo"/>.</summary>
    public sealed record Subscribe(DocumentId Document, long RequestId, IActorRef ReplyTo, long? FromVersion) : IDocumentRequest;

    /// <summary><c>u</c>, or the connection ending: stop pushing ops to <see cref="Subscriber"/>.</summary>
    public sealed record Unsubscribe(DocumentId Document, IActorRef Subscriber) : IDocumentCommand;

    /// <summary><c>op</c>: create, edit or delete the document. <see cref="Version"/> is the base version the client saw.</summary>
    public sealed record Submit(
        DocumentId Document, long RequestId, IActorRef ReplyTo, string Src, long Seq, long? Version, OpChange Change)
        : IDocumentRequest;

    /// <summary>
    /// The ops committed at versions <see cref="From"/> to <see cref="To"/> - 1 (null: up to now), answered with
    /// <see cref="DocumentReplies.Fetched"/> (no snapshot) or a rejection; the history API's read.
    /// </summary>
    public sealed record FetchOps(DocumentId Document, long RequestId, IActorRef ReplyTo, long From, long? To) : IDocumentRequest;

    /// <summary><c>nf</c>: a read-only snapshot at a version (null: the latest).</summary>
    public sealed record FetchSnapshotAtVersion(DocumentId Document, long RequestId, IActorRef ReplyTo, long? Version)
        : IDocumentRequest;

    /// <summary><c>nt</c>: a read-only snapshot as it was at a time (Unix ms; null: the latest).</summary>
    public sealed record FetchSnapshotAtTime(DocumentId Document, long RequestId, IActorRef ReplyTo, long? TimestampMs)
        : IDocumentRequest;

    /// <summary>
    /// <c>p</c> for this document's presence: move the value to the latest version, then publish it on the channel.
    /// <see cref="Presence"/> carries the publisher's <c>src</c>.
    /// </summary>
    public sealed record PublishPresence(DocumentId Document, IActorRef Publisher, PresenceMessage Presence) : IDocumentCommand;

    /// <summary>
    /// Sent by the shard when the document passivates or hands off (node leaving): save a snapshot if the last one
    /// is behind, then stop. Not addressed to a document id; it goes to the entity itself.
    /// </summary>
    public sealed record Stop : IClusterMessage
    {
        public static readonly Stop Instance = new();
    }

    /// <summary>How many subscribers the document has; answered with <see cref="DocumentReplies.DocumentStatus"/>.</summary>
    public sealed record GetStatus(DocumentId Document) : IDocumentCommand;
}
