using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>One frame waiting in a connection's outbound queue: message bytes, or a heartbeat ping.</summary>
internal readonly record struct OutboundFrame(byte[] Bytes, bool Binary, bool IsPing)
{
    public static readonly OutboundFrame Ping = new([], false, true);

    public static OutboundFrame Of(ServerMessage message, WireEncoding encoding) =>
        new(WireCodecs.For(encoding).Encode(message), encoding == WireEncoding.MessagePack, false);

    public static OutboundFrame Of(PreparedMessage message, WireEncoding encoding) =>
        new(message.BytesFor(encoding), encoding == WireEncoding.MessagePack, false);
}
