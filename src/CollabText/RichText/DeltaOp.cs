using System.Text.Json;

namespace CollabText.RichText;

/// <summary>
/// One op of a Quill delta: <c>{"insert":"text"}</c> or <c>{"insert":{embed}}</c>, <c>{"retain":n}</c>,
/// <c>{"delete":n}</c>, inserts and retains optionally with <c>"attributes"</c>. Immutable; lengths are UTF-16 code
/// units as JavaScript counts them, an embed is 1.
/// </summary>
public readonly struct DeltaOp : IEquatable<DeltaOp>
{
    // The inserted text (a string) or embed (a boxed JsonElement), null for a retain or a delete: one field rather than
    // two keeps the struct at 24 bytes, and a document is an array of these that every apply copies.
    private readonly object? _content;

    private DeltaOp(DeltaOpKind kind, int length, object? content, AttributeMap? attributes)
    {
        Kind = kind;
        Length = length;
        _content = content;
        Attributes = attributes;
    }

    public DeltaOpKind Kind { get; }

    /// <summary>UTF-16 units retained, deleted or inserted (1 for an embed).</summary>
    public int Length { get; }

    /// <summary>The inserted text; null for an embed, a retain or a delete.</summary>
    public string? Text => _content as string;

    /// <summary>The inserted embed object (<c>{"image":"..."}</c>); null unless <see cref="IsEmbed"/>.</summary>
    public JsonElement? Embed => _content is JsonElement embed ? embed : null;

    /// <summary>The formatting of an insert, or the changes a retain makes (a null value removes); null when none.</summary>
    public AttributeMap? Attributes { get; }

    public bool IsInsert => Kind == DeltaOpKind.Insert;
    public bool IsRetain => Kind == DeltaOpKind.Retain;
    public bool IsDelete => Kind == DeltaOpKind.Delete;
    public bool IsEmbed => _content is JsonElement;

    public static DeltaOp Insert(string text, AttributeMap? attributes = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new InvalidDeltaException("An insert cannot be empty.");
        if (!CodePoints.IsWellFormed(text)) throw new InvalidDeltaException("Inserted text contains an unpaired surrogate.");
        return new DeltaOp(DeltaOpKind.Insert, text.Length, text, attributes);
    }

    /// <summary>An embed (image, video, formula...): a JSON object, length 1.</summary>
    public static DeltaOp InsertEmbed(JsonElement embed, AttributeMap? attributes = null)
    {
        if (embed.ValueKind != JsonValueKind.Object)
            throw new InvalidDeltaException($"An embed must be a JSON object, got {Describe(embed.ValueKind)}.");
        return new DeltaOp(DeltaOpKind.Insert, 1, embed.Clone(), attributes);
    }

    public static DeltaOp Retain(int length, AttributeMap? attributes = null)
    {
        CheckLength("retain", length);
        return new DeltaOp(DeltaOpKind.Retain, length, null, attributes);
    }

    public static DeltaOp Delete(int length)
    {
        CheckLength("delete", length);
        return new DeltaOp(DeltaOpKind.Delete, length, null, null);
    }

    // For the engine's own slicing and merging: the inputs were checked when the ops were made.
    internal static DeltaOp TrustedText(string text, AttributeMap? attributes) =>
        new(DeltaOpKind.Insert, text.Length, text, attributes);

    internal static DeltaOp TrustedRetain(int length, AttributeMap? attributes) =>
        new(DeltaOpKind.Retain, length, null, attributes);

    internal static DeltaOp TrustedDelete(int length) => new(DeltaOpKind.Delete, length, null, null);

    internal DeltaOp WithAttributes(AttributeMap? attributes) => new(Kind, Length, _content, attributes);

    internal DeltaOp WithLength(int length) => new(Kind, length, _content, Attributes);

    private static void CheckLength(string kind, int length)
    {
        if (length <= 0) throw new InvalidDeltaException($"A {kind} must be a positive integer, got {length}.");
        if (length > Delta.MaxLength)
            throw new InvalidDeltaException($"A {kind} of {length} is longer than the largest delta ({Delta.MaxLength} units).");
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    public bool Equals(DeltaOp other)
    {
        if (Kind != other.Kind || Length != other.Length) return false;
        if (!AttributeMap.AreEqual(Attributes, other.Attributes)) return false;
        if (Kind != DeltaOpKind.Insert) return true;
        if (Text is not null || other.Text is not null) return string.Equals(Text, other.Text, StringComparison.Ordinal);
        return JsonElement.DeepEquals((JsonElement)_content!, (JsonElement)other._content!);
    }

    public override bool Equals(object? obj) => obj is DeltaOp other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(Kind, Length, Text is null ? 0 : StringComparer.Ordinal.GetHashCode(Text), Attributes?.GetHashCode() ?? 0);

    public static bool operator ==(DeltaOp left, DeltaOp right) => left.Equals(right);
    public static bool operator !=(DeltaOp left, DeltaOp right) => !left.Equals(right);

    internal void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        switch (Kind)
        {
            case DeltaOpKind.Insert:
                writer.WritePropertyName("insert");
                if (Text is not null) writer.WriteStringValue(Text);
                else ((JsonElement)_content!).WriteTo(writer);
                break;
            case DeltaOpKind.Retain:
                writer.WriteNumber("retain", Length);
                break;
            default:
                writer.WriteNumber("delete", Length);
                break;
        }
        if (Attributes is not null)
        {
            writer.WritePropertyName("attributes");
            Attributes.WriteTo(writer);
        }
        writer.WriteEndObject();
    }

    public override string ToString()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
