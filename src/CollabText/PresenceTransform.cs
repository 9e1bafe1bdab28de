using System.Buffers;
using System.Text.Json;


namespace CollabText;

/// <summary>
/// text-unicode's transformPresence, which ot-text-unicode does not ship and front ends add (PROTOCOL.md): a value
/// with a numeric <c>index</c> (and optionally <c>length</c>) has both ends moved through the op; every other
/// property is kept as it was, and any other value passes unchanged.
/// </summary>
public static class PresenceTransform
{
    public static JsonElement Through(JsonElement value, TextOp op)
    {
        // Values come from clients: TryGetInt32 throws on a non-number, so the kind is checked first.
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("index", out JsonElement indexElement)
            || indexElement.ValueKind != JsonValueKind.Number
            || !indexElement.TryGetInt32(out int index)
            || index < 0)
            return value;
        bool hasLength = value.TryGetProperty("length", out JsonElement lengthElement);
        int length = hasLength && lengthElement.ValueKind == JsonValueKind.Number && lengthElement.TryGetInt32(out int l) ? l : 0;

        int newIndex = TextUnicodeType.TransformPosition(index, op);
        int end = (int)Math.Clamp((long)index + length, 0, int.MaxValue);
        int newLength = hasLength ? TextUnicodeType.TransformPosition(end, op) - newIndex : 0;

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (JsonProperty property in value.EnumerateObject())
            {
                if (property.NameEquals("index")) writer.WriteNumber("index", newIndex);
                else if (property.NameEquals("length") && hasLength) writer.WriteNumber("length", newLength);
                else property.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }
}
