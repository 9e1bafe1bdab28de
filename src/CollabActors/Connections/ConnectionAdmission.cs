using System.Net.WebSockets;
using CollabActors.Diagnostics;
using CollabActors.Protocol;
using CollabActors.Security;

namespace CollabActors.Connections;

/// <summary>
/// Whether one connection may have a decoded message handled at all: token buckets bound how fast it sends messages
/// and ops, bulk requests cost more and name a bounded number of documents, and a client that keeps sending over the
/// rate is closed (1008). Access to what a message names is the session's question, asked after this one. Time is
/// passed in (<see cref="Environment.TickCount64"/> ms) so tests control it.
/// </summary>
internal sealed class ConnectionAdmission
{
    private readonly ConnectionSettings _settings;
    private readonly TokenBucket _messageBucket;
    private readonly TokenBucket _opBucket;
    private int _rateStrikes;
    private long _rateStrikeWindowStart;

    public ConnectionAdmission(ConnectionSettings settings, long nowMs)
    {
        _settings = settings;
        _messageBucket = new TokenBucket(settings.MessagesPerSecond, settings.MessageBurst, nowMs);
        _opBucket = new TokenBucket(settings.OpsPerSecond, settings.OpBurst, nowMs);
    }

    /// <summary>
    /// Null when <paramref name="message"/> may be handled; otherwise what to do instead: an error reply to it, or a
    /// close. The message is decoded even when over the rate, so the error reaches the request that caused it.
    /// </summary>
    public ConnectionEffect? Check(ClientMessage message, long nowMs)
    {
        if (!_messageBucket.TryTake(nowMs, Math.Min(MessageCost(message), _settings.MessageBurst)) || (message is SubmitRequest && !_opBucket.TryTake(nowMs)))
            return RefuseOverRate(message, nowMs);
        // Bulks are served in parts (ConnectionSession), but the whole is still bounded.
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
}
