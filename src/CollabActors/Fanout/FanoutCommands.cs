using Akka.Actor;
using CollabActors.Documents;
using CollabActors.Serialization;

namespace CollabActors.Fanout;

/// <summary>
/// What a document tells the <see cref="NodeFanout"/> of a node where it has subscribers. The sender is always the
/// document itself: the fan-out keeps one subscriber set per document incarnation and watches it.
/// </summary>
public static class FanoutCommands
{
    /// <summary>Anything a document tells a node's fan-out; it crosses nodes.</summary>
    public interface IFanoutCommand : IWithDocumentId, IClusterMessage;

    /// <summary><see cref="Subscriber"/>, a connection on the fan-out's node, now gets the document's ops.</summary>
    public sealed record AddSubscriber(DocumentId Document, IActorRef Subscriber) : IFanoutCommand;

    /// <summary><see cref="Subscriber"/> unsubscribed or ended: no more ops for it.</summary>
    public sealed record RemoveSubscriber(DocumentId Document, IActorRef Subscriber) : IFanoutCommand;

    /// <summary>
    /// The document committed <see cref="Op"/>: push it to every subscriber on this node but <see cref="Author"/>
    /// (set only on the author's node; the author gets its ack instead). One message per node per op, whatever the
    /// number of subscribers there.
    /// </summary>
    public sealed record Publish(DocumentId Document, CommittedOp Op, IActorRef? Author) : IFanoutCommand;

    /// <summary>
    /// A reply for <see cref="To"/>, a subscriber on this node, sent through the fan-out so that it stays in order
    /// with the ops pushed to it (an ack never overtakes an op published before it, nor a subscribe's answer the first
    /// op after it). Handed on with the document as its sender, as if the document had sent it.
    /// </summary>
    public sealed record Relay(DocumentId Document, IActorRef To, DocumentReplies.IDocumentReply Reply) : IFanoutCommand;

    /// <summary>
    /// Commands of one node's documents to another node's fan-out, in the order they were sent, as one message between
    /// the nodes (<see cref="FanoutOutbox"/>). The fan-out handles each as if its document had sent it alone.
    /// </summary>
    public sealed record Batch(IReadOnlyList<BatchedCommand> Commands) : IClusterMessage;

    /// <summary>
    /// One command of a <see cref="Batch"/>, already serialized (<see cref="Serialization.ClusterMessageSerializer"/>,
    /// under <see cref="Manifest"/>), with the document that sent it.
    /// </summary>
    public sealed record BatchedCommand(IActorRef Document, string Manifest, byte[] Bytes);
}
