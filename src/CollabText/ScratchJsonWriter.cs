using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CollabText;

/// <summary>
/// JSON written into the thread's <see cref="ScratchBuffer"/> with a writer kept per thread, then copied out once at
/// its exact size: for the hot paths that turn every op into bytes or text (the server's frames, the read model's
/// rows). The writer asks for three times a string's length before it writes it, so a fresh buffer per call grew by
/// copying.
/// </summary>
/// <remarks>
/// Only the default <see cref="JsonWriterOptions"/>. A write inside a write (the callback writing JSON through here
/// again) gets a buffer and a writer of its own: the thread's are taken out while in use.
/// </remarks>
public static class ScratchJsonWriter
{
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>What <paramref name="write"/> writes for <paramref name="state"/>, as UTF-8 bytes.</summary>
    public static byte[] ToUtf8<TState>(TState state, Action<Utf8JsonWriter, TState> write) =>
        Write(state, write, static written => written.ToArray());

    /// <summary>What <paramref name="write"/> writes for <paramref name="state"/>, as a string.</summary>
    public static string ToText<TState>(TState state, Action<Utf8JsonWriter, TState> write) =>
        Write(state, write, static written => Encoding.UTF8.GetString(written));

    private static TResult Write<TState, TResult>(TState state, Action<Utf8JsonWriter, TState> write, ReadOnlySpanFunc<TResult> copyOut)
    {
        ArrayBufferWriter<byte> buffer = ScratchBuffer.Take();
        Utf8JsonWriter writer = t_writer ?? new Utf8JsonWriter(buffer);
        t_writer = null;
        try
        {
            // Reset also clears a writer left mid-document by a write that threw.
            writer.Reset(buffer);
            write(writer, state);
            writer.Flush();
            return copyOut(buffer.WrittenSpan);
        }
        finally
        {
            // The writer holds on to its buffer, so it is kept only with a buffer that is.
            if (ScratchBuffer.Return(buffer))
            {
                writer.Reset();
                t_writer = writer;
            }
        }
    }

    private delegate TResult ReadOnlySpanFunc<out TResult>(ReadOnlySpan<byte> written);
}
