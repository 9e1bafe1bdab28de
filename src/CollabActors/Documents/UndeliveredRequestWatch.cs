using Akka.Actor;
using Akka.Event;

namespace CollabActors.Documents;

/// <summary>
/// One per node: watches the node's dead letters for document requests its own connections sent, and tells each
/// such connection (<see cref="DocumentRequestUndelivered"/>) so it sends the request again instead of waiting out its
/// reply timeout.
/// </summary>
/// <remarks>
/// When a node dies, the shard regions of the others go on routing its documents' messages to it until the cluster
/// has downed and removed it; remoting drops those sends into the sender's dead letters (the association is gated).
/// An editor that reconnected to a survivor at once and resent its op was left waiting 30 s for an answer that could
/// never come (issue 16). A dead letter is proof the document never saw the request, so the retry cannot apply an op
/// twice; a request lost some other way (in a socket buffer as the node died) still ends at the reply timeout.
/// </remarks>
public sealed class UndeliveredRequestWatch : ReceiveActor
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "undelivered-requests";

    public UndeliveredRequestWatch()
    {
        Receive<DeadLetter>(dead =>
        {
            // Only this node's connections can be told; a request of another node's connection is dead-lettered there.
            if (dead.Message is DocumentCommands.IDocumentRequest request && request.ReplyTo is IActorRefScope { IsLocal: true })
            {
                request.ReplyTo.Tell(new DocumentRequestUndelivered(request.RequestId));
            }
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new UndeliveredRequestWatch());

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
