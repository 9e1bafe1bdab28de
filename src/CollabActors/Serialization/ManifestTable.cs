using System.Buffers;
using System.Runtime.Serialization;
using CollabText;
using MessagePack;

namespace CollabActors.Serialization;

/// <summary>Writes one kind of message as MessagePack.</summary>
public delegate void MessageWriter<in T>(ref MessagePackWriter writer, T value);

/// <summary>Reads one kind of message from MessagePack; throws on anything it does not expect.</summary>
public delegate T MessageReader<out T>(ref MessagePackReader reader);

/// <summary>
/// The manifests <see cref="CollabSerializer"/> knows: for each message type a short, stable name and how to write
/// and read it. Adding a message is one <see cref="Add{T}"/> line; a manifest, once written to a journal, never
/// changes meaning (change the format under a new manifest and keep reading the old one).
/// </summary>
public sealed class ManifestTable
{
    private readonly Dictionary<Type, (string Manifest, Func<object, byte[]> Write)> _byType = new();
    private readonly Dictionary<string, Func<ReadOnlyMemory<byte>, object>> _byManifest = new(StringComparer.Ordinal);

    /// <summary>Limits for reading bytes we did not write in this process (depth, hash-flooding).</summary>
    public static readonly MessagePackSerializerOptions ReadOptions =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    public IEnumerable<string> Manifests => _byManifest.Keys;

    public ManifestTable Add<T>(string manifest, MessageWriter<T> write, MessageReader<T> read) where T : class
    {
        if (!_byManifest.TryAdd(manifest, bytes => ReadWhole(bytes, manifest, read)))
            throw new ArgumentException($"Manifest '{manifest}' is already taken.", nameof(manifest));
        _byType.Add(typeof(T), (manifest, value => Write(write, (T)value)));
        return this;
    }

    public string ManifestOf(object message) => Lookup(message).Manifest;

    public byte[] Write(object message) => Lookup(message).Write(message);

    /// <summary>The message's manifest and its bytes, with one lookup of its type.</summary>
    public (string Manifest, byte[] Bytes) WriteWithManifest(object message)
    {
        (string manifest, Func<object, byte[]> write) = Lookup(message);
        return (manifest, write(message));
    }

    public object Read(ReadOnlyMemory<byte> bytes, string manifest) =>
        _byManifest.TryGetValue(manifest, out var read) ? read(bytes) : throw new UnknownManifestException(manifest, Manifests);

    private (string Manifest, Func<object, byte[]> Write) Lookup(object message) =>
        _byType.TryGetValue(message.GetType(), out var entry)
            ? entry
            : throw new ArgumentException(
                $"CollabSerializer has no manifest for {message.GetType().FullName}; add it to its ManifestTable.", nameof(message));

    // Every persisted op and every message between nodes is written here, into the thread's buffer, copied out once.
    private static byte[] Write<T>(MessageWriter<T> write, T value)
    {
        ArrayBufferWriter<byte> buffer = ScratchBuffer.Take();
        try
        {
            var writer = new MessagePackWriter(buffer);
            write(ref writer, value);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ScratchBuffer.Return(buffer);
        }
    }

    private static T ReadWhole<T>(ReadOnlyMemory<byte> bytes, string manifest, MessageReader<T> read)
    {
        try
        {
            var reader = new MessagePackReader(bytes);
            T value = read(ref reader);
            if (!reader.End) throw new SerializationException($"{reader.Consumed} of {bytes.Length} bytes read; the rest is unexpected.");
            return value;
        }
        catch (Exception e) when (e is not UnknownManifestException)
        {
            throw new SerializationException($"Cannot read a '{manifest}' message ({bytes.Length} bytes): {e.Message}", e);
        }
    }
}
