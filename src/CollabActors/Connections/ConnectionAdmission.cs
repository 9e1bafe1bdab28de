using System.Net.WebSockets;
using CollabActors.Diagnostics;
using CollabActors.Protocol;
using CollabActors.Security;

namespace CollabActors.Connections;

/// <summary>
/// Whether one connection may have a decoded message handled at all: token buckets bound how fast it sends messages
/// and ops, and how fast it and its address create documents; bulk requests cost more and name a bounded number of
/// documents, and a client that keeps sending over the rate is closed (1008). Access to what a message names is the
/// session's question, asked after this one. Time is passed in (<see cref="Environment.TickCount64"/> ms) so tests
/// control it.
/// </summary>
internal sealed class ConnectionAdmission
{
    private readonly ConnectionSettings _settings;
    private readonly TokenBucket _messageBucket;
    // Made at the first op and the first create, full then, as a bucket made earlier would have refilled to be by
    // then: most connections of a big node never send either.
    private TokenBucket? _opBucket;
    private TokenBucket? _createBucket;
    private readonly AddressCreateBudget.Share? _addressCreates;
    private int _rateStrikes;
    private long _rateStrikeWindowStart;

    /// <summary>Messages over the rate, oldest first, waiting for the buckets to refill; made when the first one must wait (most clients never do).</summary>
    private Queue<ClientMessage>? _waiting;

    private int Waiting => _waiting?.Count ?? 0;

    /// <param name="addressCreates">The creates of the client's address, shared with its other connections; null: none counted.</param>
    public ConnectionAdmission(ConnectionSettings settings, long nowMs, AddressCreateBudget.Share? addressCreates = null)
    {
        _settings = settings;
        _messageBucket = new TokenBucket(settings.MessagesPerSecond, settings.MessageBurst, nowMs);
        _addressCreates = addressCreates;
    }

    /// <summary>
    /// What to do with a decoded message: handle it now, or let it wait (up to
    /// <see cref="ConnectionSettings.MaxDelayedMessages"/> of them, in order) until the buckets hold its tokens, or
    /// refuse it. A client that awaits each answer before sending the next is slowed down, never refused (issue 19
    /// item 13: backpressure, as Kafka's quotas delay rather than reject). Only a client that keeps sending while its
    /// messages wait is refused, and closed when it persists. The message is decoded even when refused, so the error
    /// reaches the request that caused it.
    /// </summary>
    public AdmissionStep Offer(ClientMessage message, long nowMs)
    {
        if (Waiting == 0 && TryTakeTokens(message, nowMs))
        {
            return Refusal(message, nowMs) is { } refusal ? AdmissionStep.Refuse(refusal) : AdmissionStep.Admit(message);
        }
        if (Waiting < _settings.MaxDelayedMessages)
        {
            (_waiting ??= new Queue<ClientMessage>()).Enqueue(message);
            return AdmissionStep.Wait(WaitForHead(nowMs));
        }
        return AdmissionStep.Refuse(RefuseOverRate(message, nowMs));
    }

    /// <summary>
    /// Lets waiting messages through, oldest first, as the buckets allow (the actor calls this when the wait the last
    /// step named is over); says how long until the next may go, if any still wait.
    /// </summary>
    public AdmissionStep Release(long nowMs)
    {
        var admitted = new List<ClientMessage>();
        var refusals = new List<ConnectionEffect>();
        while (_waiting is not null && _waiting.TryPeek(out ClientMessage? head))
        {
            if (!TryTakeTokens(head, nowMs)) break;
            if (Refusal(head, nowMs) is { } refusal) refusals.Add(refusal);
            else admitted.Add(head);
            _waiting.Dequeue();
        }
        return new AdmissionStep(admitted, refusals, Waiting > 0 ? WaitForHead(nowMs) : null);
    }

    private TimeSpan WaitForHead(long nowMs)
    {
        ClientMessage head = _waiting!.Peek();
        TimeSpan wait = _messageBucket.TimeUntil(nowMs, Math.Min(MessageCost(head), _settings.MessageBurst));
        if (head is SubmitRequest && OpBucket(nowMs).TimeUntil(nowMs, 1) is var op && op > wait) wait = op;
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
    }

    private bool TryTakeTokens(ClientMessage message, long nowMs)
    {
        int cost = Math.Min(MessageCost(message), _settings.MessageBurst);
        bool isOp = message is SubmitRequest;
        // Both or neither: a message must not pay one bucket and then wait on the other.
        if (_messageBucket.TimeUntil(nowMs, cost) > TimeSpan.Zero || isOp && OpBucket(nowMs).TimeUntil(nowMs, 1) > TimeSpan.Zero) return false;
        _messageBucket.TryTake(nowMs, cost);
        if (isOp) OpBucket(nowMs).TryTake(nowMs);
        return true;
    }

    /// <summary>Why a message that has its rate tokens is refused all the same, or null.</summary>
    private ConnectionEffect? Refusal(ClientMessage message, long nowMs) => BulkRefusal(message) ?? CreateRefusal(message, nowMs);

    /// <summary>
    /// A create takes a token from the connection's create bucket and from its address's, both or neither: a new
    /// document costs a document actor, journal reads to learn it does not exist yet and its first write, and stays in
    /// memory until it passivates, where an edit of a live document costs one queued row (issue 19 item 10). Over
    /// either budget it is refused at once, not kept waiting: the create would hold up the connection's ops behind
    /// it, and the refusal is no strike towards 1008, so the connection keeps editing.
    /// </summary>
    private ConnectionEffect? CreateRefusal(ClientMessage message, long nowMs)
    {
        if (message is not SubmitRequest { Change: CreateChange }) return null;
        string? over = null;
        if (CreateBucket(nowMs).TimeUntil(nowMs, 1) > TimeSpan.Zero)
            over = $"{_settings.CreatesPerSecond} new documents per second per connection (burst {_settings.CreateBurst})";
        else if (_addressCreates is { } address && !address.TryTake(nowMs))
            over = $"{address.PerSecond} new documents per second from one address";
        else
        {
            CreateBucket(nowMs).TryTake(nowMs);
            return null;
        }
        CollabMetrics.MessageRejected(ProtocolErrorCodes.RateLimited);
        return new ConnectionEffect.Reply(ErrorReply.To(message, ProtocolErrorCodes.RateLimited,
            $"Over the create limit of {over}; nothing was created, try again later."));
    }

    private ConnectionEffect? BulkRefusal(ClientMessage message)
    {
        if (message is BulkFetchRequest { Documents.Ids.Count: var fetches } && fetches > _settings.MaxBulkDocuments
            || message is BulkSubscribeRequest { Documents.Ids.Count: var subscribes } && subscribes > _settings.MaxBulkDocuments)
        {
            CollabMetrics.MessageRejected(ProtocolErrorCodes.BulkTooLarge);
            return new ConnectionEffect.Reply(ErrorReply.To(message, ProtocolErrorCodes.BulkTooLarge,
                $"A bulk request may name at most {_settings.MaxBulkDocuments} documents."));
        }
        return null;
    }

    /// <summary>
    /// Tokens a message takes from the message bucket: one, and for a bulk request one more per ten documents, since
    /// each document it names costs a document actor's work (and, cold, a journal read).
    /// </summary>
    public static int MessageCost(ClientMessage message) => message switch
    {
        BulkFetchRequest bf => 1 + bf.Documents.Ids.Count / 10,
        BulkSubscribeRequest bs => 1 + bs.Documents.Ids.Count / 10,
        _ => 1,
    };

    private ConnectionEffect RefuseOverRate(ClientMessage message, long nowMs)
    {
        CollabMetrics.MessageRejected(ProtocolErrorCodes.RateLimited);
        // Refusals are counted per window, not reset by an accepted message: a flooder gets one message through
        // whenever the bucket refills, and must still be cut off.
        if (nowMs - _rateStrikeWindowStart > (long)_settings.RateLimitWindow.TotalMilliseconds)
        {
            _rateStrikeWindowStart = nowMs;
            _rateStrikes = 0;
        }
        if (++_rateStrikes > _settings.RateLimitStrikes)
            return new ConnectionEffect.Close(WebSocketCloseStatus.PolicyViolation, "Rate limit exceeded.");
        return new ConnectionEffect.Reply(ErrorReply.To(message, ProtocolErrorCodes.RateLimited,
            $"Over the rate limit of {_settings.MessagesPerSecond} messages and {_settings.OpsPerSecond} ops per second."));
    }

    private TokenBucket OpBucket(long nowMs) => _opBucket ??= new TokenBucket(_settings.OpsPerSecond, _settings.OpBurst, nowMs);

    private TokenBucket CreateBucket(long nowMs) => _createBucket ??= new TokenBucket(_settings.CreatesPerSecond, _settings.CreateBurst, nowMs);
}
