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

    /// <summary>
    /// Largest buffer taken from the pool. Larger ones (a big paste) are allocated and left to the GC: a pool would keep
    /// them, outside the inbound budget, long after the frame.
    /// </summary>
    private const int LargestPooledBufferBytes = 1024 * 1024;

    public static Task RunAsync(WebSocket socket, IActorRef connection, int maxFrameBytes, CancellationToken ct) =>
        RunAsync(socket, connection, maxFrameBytes, InboundByteBudget.Unlimited, ArrayPool<byte>.Shared, null, ct);

    public static Task RunAsync(WebSocket socket, IActorRef connection, int maxFrameBytes, ArrayPool<byte> buffers, CancellationToken ct) =>
        RunAsync(socket, connection, maxFrameBytes, InboundByteBudget.Unlimited, buffers, null, ct);

    public static Task RunAsync(
        WebSocket socket, IActorRef connection, int maxFrameBytes, InboundByteBudget budget, ConnectionLifetime lifetime, CancellationToken ct) =>
        RunAsync(socket, connection, maxFrameBytes, budget, ArrayPool<byte>.Shared, lifetime, ct);

    /// <param name="budget">
    /// The node's bytes for unfinished frames: a frame's buffer grows past its first <see cref="InitialBufferBytes"/>
    /// only with bytes reserved there, and while none are to be had this socket is not read (backpressure).
    /// </param>
    /// <param name="lifetime">
    /// Told when the loop has ended; the returned task then completes when the whole connection is over
    /// (<see cref="ConnectionLifetime.ReceiveEndedAsync"/>), not when the loop is. Without one, when the loop is.
    /// </param>
    public static async Task RunAsync(
        WebSocket socket, IActorRef connection, int maxFrameBytes, InboundByteBudget budget, ArrayPool<byte> buffers,
        ConnectionLifetime? lifetime, CancellationToken ct)
    {
        byte[]? buffer = null;
        InboundByteBudget.FrameReservation? reservation = null;
        try
        {
            try
            {
                while (true)
                {
                    // Wait for the next frame with a zero-byte receive, so a quiet connection holds no buffer between
                    // frames: most editors are idle most of the time, and a buffer each would be most of their memory.
                    // For the same reason this wait takes no token: a registration on the connection's token for every
                    // quiet socket is about 200 bytes, and the token adds nothing here, since what cancels it (the TCP
                    // connection gone or cut) ends the receive by itself.
                    ValueWebSocketReceiveResult result = await socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
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
                            int size = Math.Min(buffer.Length * 2, maxFrameBytes + 1);
                            reservation ??= budget.StartFrame();
                            await reservation.GrowAsync(size - buffer.Length, ct).ConfigureAwait(false);
                            byte[] larger = size <= LargestPooledBufferBytes ? buffers.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
                            buffer.AsSpan(0, length).CopyTo(larger);
                            Release(buffers, buffer);
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
                    Release(buffers, buffer);
                    buffer = null;
                    reservation?.Dispose();
                    reservation = null;
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                connection.Tell(new ConnectionMessages.ReceiveEnded(null, e));
            }
            finally
            {
                if (buffer is not null) Release(buffers, buffer);
                reservation?.Dispose();
            }
        }
        finally
        {
            // The wait for the rest of the connection's end runs here, in the loop's own state machine, rather than in
            // a second one waiting on this task: a quiet connection holds one, for its receive.
            if (lifetime is not null) await lifetime.ReceiveEndedAsync(connection).ConfigureAwait(false);
        }
    }

    private static void Release(ArrayPool<byte> buffers, byte[] buffer)
    {
        if (buffer.Length <= LargestPooledBufferBytes) buffers.Return(buffer);
    }
}
