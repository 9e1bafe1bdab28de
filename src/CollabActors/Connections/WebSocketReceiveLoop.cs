using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;

namespace CollabActors.Connections;

/// <summary>
/// The read half of a connection (gorilla's readPump): reads whole frames, bounded by the size limit, and tells the
/// connection actor. It never writes; every write belongs to the actor.
/// </summary>
public static class WebSocketReceiveLoop
{
    /// <summary>First size of the buffer a frame is read into; it doubles (up to the frame limit) for larger frames.</summary>
    private const int InitialBufferBytes = 16 * 1024;

    public static Task RunAsync(WebSocket socket, IActorRef connection, int maxFrameBytes, CancellationToken ct) =>
        RunAsync(socket, connection, maxFrameBytes, ArrayPool<byte>.Shared, ct);

    public static async Task RunAsync(WebSocket socket, IActorRef connection, int maxFrameBytes, ArrayPool<byte> buffers, CancellationToken ct)
    {
        byte[]? buffer = null;
        try
        {
            while (true)
            {
                // Wait for the next frame with a zero-byte receive, so a quiet connection holds no buffer between
                // frames: most editors are idle most of the time, and a buffer each would be most of their memory.
                ValueWebSocketReceiveResult result = await socket.ReceiveAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.Tell(new ConnectionMessages.ReceiveEnded(socket.CloseStatus, null));
                    return;
                }
                buffer = buffers.Rent(InitialBufferBytes);
                int length = 0;
                while (!result.EndOfMessage)
                {
                    if (length == buffer.Length)
                    {
                        byte[] larger = buffers.Rent(Math.Min(buffer.Length * 2, maxFrameBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        buffers.Return(buffer);
                        buffer = larger;
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), ct).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        connection.Tell(new ConnectionMessages.ReceiveEnded(socket.CloseStatus, null));
                        return;
                    }
                    length += result.Count;
                    if (length > maxFrameBytes)
                    {
                        connection.Tell(new ConnectionMessages.FrameTooLarge(length));
                        return;
                    }
                }

                connection.Tell(new ConnectionMessages.FrameReceived(
                    buffer.AsSpan(0, length).ToArray(), result.MessageType == WebSocketMessageType.Binary));
                buffers.Return(buffer);
                buffer = null;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            connection.Tell(new ConnectionMessages.ReceiveEnded(null, e));
        }
        finally
        {
            if (buffer is not null) buffers.Return(buffer);
        }
    }
}
