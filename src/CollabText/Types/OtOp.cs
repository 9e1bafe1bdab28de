using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CollabText.Types;

/// <summary>An op of some OT type, immutable, compared by its JSON. <see cref="Type"/> is null until a type has read it.</summary>
public abstract class OtOp : IEquatable<OtOp>
{
    // Non-ASCII text as itself, as JSON.stringify prints it.
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private string? _json;

    public abstract OtType? Type { get; }

    /// <summary>Writes the op as the wire has it.</summary>
    public abstract void WriteTo(Utf8JsonWriter writer);

    /// <summary>Roughly what the op holds in memory, for the document's op log bound.</summary>
    public abstract long EstimatedBytes { get; }

    public string ToJson()
    {
        if (_json is not null) return _json;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Relaxed)) WriteTo(writer);
        return _json = Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override string ToString() => ToJson();

    public bool Equals(OtOp? other) =>
        other is not null && (ReferenceEquals(this, other) || (Type == other.Type && ToJson() == other.ToJson()));

    public override bool Equals(object? obj) => Equals(obj as OtOp);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToJson());
}
