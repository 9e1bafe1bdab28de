using Akka.Actor;
using CollabActors.Protocol;
using CollabActors.Security;

namespace CollabActors.Queries;

/// <summary>
/// The node's live (subscribe) queries: what a connection starts for <c>qs</c> and stops for <c>qu</c> or when it ends.
/// Both calls return at once (never on a connection's path to wait); what follows is told to the subscriber, in order:
/// <see cref="QueryReplies.Subscribed"/> with the first results (or <see cref="QueryReplies.Failed"/>), then a
/// <see cref="QueryReplies.Changed"/> each time the results change.
/// </summary>
public interface IQuerySubscriptions
{
    /// <param name="token">The subscriber's own key for this subscription (unique per subscriber); every reply carries it.</param>
    /// <param name="readable">Patterns the token may read (null: everything); the results only ever hold documents they match.</param>
    void Subscribe(IActorRef subscriber, long token, QueryRequest request, IReadOnlyList<DocumentPattern>? readable);

    /// <summary>Stops the subscription; nothing more is told for it (a change already told may still arrive).</summary>
    void Unsubscribe(IActorRef subscriber, long token);
}
