using System.Buffers;

namespace CollabText;

/// <summary>
/// A byte buffer kept per thread, for writers on hot paths that write a message whole and copy it out once at its
/// size (<see cref="ScratchJsonWriter"/>, the MessagePack serializers' table): a fresh <see cref="ArrayBufferWriter{T}"/>
/// per message grew by copying and was most of the bytes the server allocated per op.
/// </summary>
/// <remarks>
/// <see cref="Take"/> takes the thread's buffer out of its slot, so a write inside a write gets a buffer of its own.
/// A buffer that grew past <see cref="KeptCapacity"/> (a very large document) is not kept, so a thread holds at most
/// that much between writes.
/// </remarks>
public static class ScratchBuffer
{
    /// <summary>The largest buffer a thread keeps between writes.</summary>
    public const int KeptCapacity = 64 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>The thread's buffer, empty, or a new one when it is in use (or was not kept).</summary>
    public static ArrayBufferWriter<byte> Take()
    {
        ArrayBufferWriter<byte>? buffer = t_buffer;
        t_buffer = null;
        return buffer ?? new ArrayBufferWriter<byte>(1024);
    }

    /// <summary>
    /// Gives <paramref name="buffer"/> back to the thread, emptied, unless it grew past <see cref="KeptCapacity"/>;
    /// whether it was kept.
    /// </summary>
    public static bool Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > KeptCapacity) return false;
        buffer.ResetWrittenCount();
        t_buffer = buffer;
        return true;
    }
}
