using System.Net.WebSockets;
using Akka.Actor;

namespace CollabActors.Connections;

/// <summary>
/// What the socket's receive loop (and the host) tell a connection actor on the same node: never serialized, they stay
/// in the process that owns the socket.
/// </summary>
public static class ConnectionMessages
{
    /// <summary>One complete frame from the client.</summary>
    public sealed record FrameReceived(byte[] Payload, bool Binary) : INoSerializationVerificationNeeded;

    /// <summary>The client sent a frame over the size limit; the loop has stopped reading.</summary>
    public sealed record FrameTooLarge(long Bytes) : INoSerializationVerificationNeeded;

    /// <summary>The node is shutting down: close with 1001 (going away) so the client reconnects elsewhere.</summary>
    public sealed record ServerShuttingDown : INoSerializationVerificationNeeded
    {
        public static readonly ServerShuttingDown Instance = new();
    }

    /// <summary>The receive loop ended: the peer closed (<see cref="Status"/>) or the socket failed (<see cref="Error"/>).</summary>
    public sealed record ReceiveEnded(WebSocketCloseStatus? Status, Exception? Error) : INoSerializationVerificationNeeded;
}
