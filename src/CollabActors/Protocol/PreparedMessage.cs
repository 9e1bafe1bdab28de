using CollabActors.Diagnostics;

namespace CollabActors.Protocol;

/// <summary>
/// A server message encoded at most once per encoding, however many connections send it (gorilla/websocket's
/// PreparedMessage): a node's fan-out handing an op to a thousand subscribers hands each the same bytes.
/// Thread-safe: connection actors on different threads share one instance.
/// </summary>
public sealed class PreparedMessage
{
    private readonly Lazy<byte[]> _json;
    private readonly Lazy<byte[]> _messagePack;
    private int _encodings;

    public PreparedMessage(ServerMessage message)
    {
        Message = message;
        _json = new Lazy<byte[]>(() => Encode(WireEncoding.Json), LazyThreadSafetyMode.ExecutionAndPublication);
        _messagePack = new Lazy<byte[]>(() => Encode(WireEncoding.MessagePack), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ServerMessage Message { get; }

    /// <summary>How many times this message has been serialized (at most one per encoding).</summary>
    public int Encodings => Volatile.Read(ref _encodings);

    public byte[] BytesFor(WireEncoding encoding) => encoding == WireEncoding.Json ? _json.Value : _messagePack.Value;

    private byte[] Encode(WireEncoding encoding)
    {
        Interlocked.Increment(ref _encodings);
        CollabMetrics.BroadcastEncoded(encoding == WireEncoding.Json ? "json" : "msgpack");
        return WireCodecs.For(encoding).Encode(Message);
    }
}
