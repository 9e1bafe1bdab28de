using System.Net.WebSockets;

namespace CollabActors.Connections;

/// <summary>What the socket's receive loop tells its connection actor.</summary>
public static class ConnectionMessages
{
    /// <summary>One complete frame from the client.</summary>
    public sealed record FrameReceived(byte[] Payload, bool Binary);

    /// <summary>The client sent a frame over the size limit; the loop has stopped reading.</summary>
    public sealed record FrameTooLarge(long Bytes);

    /// <summary>The receive loop ended: the peer closed (<see cref="Status"/>) or the socket failed (<see cref="Error"/>).</summary>
    public sealed record ReceiveEnded(WebSocketCloseStatus? Status, Exception? Error);
}
