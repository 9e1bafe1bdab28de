using System.Net.WebSockets;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>
/// One thing a <see cref="ConnectionSession"/> (or its <see cref="PresenceRelay"/> and <see cref="ConnectionAdmission"/>)
/// decided the connection does: a frame for the client, a command for a document or presence channel, a close, a
/// timer, or watching the actor that sent the message being handled. Values only; the connection actor carries them out
/// in order.
/// </summary>
internal abstract record ConnectionEffect
{
    /// <summary>A reply to the client's own request: written at once, never held by write pacing.</summary>
    public sealed record Reply(ServerMessage Message) : ConnectionEffect;

    /// <summary>
    /// A broadcast (an op or someone's presence), encoded once for every connection; pacing may hold it. A newer push
    /// with the same <see cref="CoalescingKey"/> replaces an unsent older one.
    /// </summary>
    public sealed record Push(PreparedMessage Frame, string? CoalescingKey = null) : ConnectionEffect;

    /// <summary>A command for the document region.</summary>
    public sealed record ToDocument(IWithDocumentId Command) : ConnectionEffect;

    /// <summary>A command for the presence region.</summary>
    public sealed record ToPresence(IWithPresenceChannel Command) : ConnectionEffect;

    /// <summary>Run a fetch query (<see cref="Queries.IDocumentQueries"/>) over the documents <see cref="Readable"/> names (null: all); its end comes back as a <see cref="Queries.QueryReplies"/> message.</summary>
    public sealed record RunQuery(QueryRequest Request, IReadOnlyList<Security.DocumentPattern>? Readable) : ConnectionEffect;

    /// <summary>Start a live query with the node's <see cref="Queries.IQuerySubscriptions"/> under <see cref="Token"/>; what it finds comes back as <see cref="Queries.QueryReplies"/> messages.</summary>
    public sealed record StartLiveQuery(QueryRequest Request, long Token, IReadOnlyList<Security.DocumentPattern>? Readable) : ConnectionEffect;

    /// <summary>Stop the live query under <see cref="Token"/>.</summary>
    public sealed record StopLiveQuery(long Token) : ConnectionEffect;

    /// <summary>Close the socket after what is already queued (1008 drops the queue).</summary>
    public sealed record Close(WebSocketCloseStatus Status, string Reason) : ConnectionEffect;

    /// <summary>Send <see cref="Message"/> back to the session after <see cref="Delay"/>; a timer with the same key is replaced.</summary>
    public sealed record StartTimer(object Key, object Message, TimeSpan Delay) : ConnectionEffect;

    /// <summary>
    /// Watch the actor that sent the reply being handled: that incarnation of <see cref="Document"/> holds this
    /// connection's subscription or request; when it ends the session hears <see cref="ConnectionSession.DocumentEnded"/>.
    /// </summary>
    public sealed record WatchDocumentSender(DocumentId Document) : ConnectionEffect;

    /// <summary>
    /// Watch the actor that sent the reply being handled: that incarnation of presence <see cref="Channel"/> holds
    /// this connection's subscription; when it ends the session hears <see cref="ConnectionSession.PresenceChannelEnded"/>.
    /// </summary>
    public sealed record WatchChannelSender(string Channel) : ConnectionEffect;

    /// <summary>Stop watching every incarnation of presence <see cref="Channel"/> (the client unsubscribed).</summary>
    public sealed record UnwatchChannel(string Channel) : ConnectionEffect;
}
