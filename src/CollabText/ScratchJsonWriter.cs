using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CollabText;

/// <summary>
/// JSON written into a buffer and writer kept per thread, then copied out once at its exact size: for the hot paths
/// that turn every op into bytes or text (the server's frames, the read model's rows). A fresh
/// <see cref="ArrayBufferWriter{T}"/> per call grew by copying (the writer asks for three times a string's length
/// before it writes it), and was most of the bytes the server allocated per op.
/// </summary>
/// <remarks>
/// Only the default <see cref="JsonWriterOptions"/>. A write inside a write (the callback writing JSON through here
/// again) gets a buffer of its own: the thread's is taken out while in use. A buffer that grew past
/// <see cref="KeptCapacity"/> (a very large document) is not kept, so a thread holds at most that much between calls.
/// </remarks>
public static class ScratchJsonWriter
{
    /// <summary>The largest buffer a thread keeps between calls.</summary>
    public const int KeptCapacity = 64 * 1024;

    [ThreadStatic] private static Scratch? t_scratch;

    /// <summary>What <paramref name="write"/> writes for <paramref name="state"/>, as UTF-8 bytes.</summary>
    public static byte[] ToUtf8<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        Scratch scratch = Take();
        try
        {
            write(scratch.Writer, state);
            scratch.Writer.Flush();
            return scratch.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            Return(scratch);
        }
    }

    /// <summary>What <paramref name="write"/> writes for <paramref name="state"/>, as a string.</summary>
    public static string ToText<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        Scratch scratch = Take();
        try
        {
            write(scratch.Writer, state);
            scratch.Writer.Flush();
            return Encoding.UTF8.GetString(scratch.Buffer.WrittenSpan);
        }
        finally
        {
            Return(scratch);
        }
    }

    private static Scratch Take()
    {
        Scratch? scratch = t_scratch;
        t_scratch = null;
        return scratch ?? new Scratch();
    }

    private static void Return(Scratch scratch)
    {
        if (scratch.Buffer.Capacity > KeptCapacity) return;
        scratch.Buffer.ResetWrittenCount();
        // Reset also clears a writer left mid-document by a write that threw.
        scratch.Writer.Reset(scratch.Buffer);
        t_scratch = scratch;
    }

    private sealed class Scratch
    {
        public Scratch()
        {
            Buffer = new ArrayBufferWriter<byte>(1024);
            Writer = new Utf8JsonWriter(Buffer);
        }

        public ArrayBufferWriter<byte> Buffer { get; }

        public Utf8JsonWriter Writer { get; }
    }
}
