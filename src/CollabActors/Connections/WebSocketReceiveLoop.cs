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
    public static async Task RunAsync(WebSocket socket, IActorRef connection, int maxFrameBytes, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxFrameBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
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
                } while (!result.EndOfMessage);

                connection.Tell(new ConnectionMessages.FrameReceived(
                    buffer.AsSpan(0, length).ToArray(), result.MessageType == WebSocketMessageType.Binary));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            connection.Tell(new ConnectionMessages.ReceiveEnded(null, e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
