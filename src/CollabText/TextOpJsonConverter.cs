using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollabText;

/// <summary>Reads and writes a <see cref="TextOp"/> as the wire's array of <c>int | string | {"d": int|string}</c>.</summary>
public sealed class TextOpJsonConverter : JsonConverter<TextOp>
{
    public override TextOp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new InvalidOpComponentException("Op must be an array of components.");
        var components = new List<OpComponent>(4);
        while (true)
        {
            if (!reader.Read()) throw new InvalidOpComponentException("Op array is not closed.");
            switch (reader.TokenType)
            {
                case JsonTokenType.EndArray:
                    return components.Count == 0 ? TextOp.Empty : TextOp.FromOwnedArray(components.ToArray());
                case JsonTokenType.Number:
                    components.Add(OpComponent.Skip(ReadCount(ref reader, "Skip")));
                    break;
                case JsonTokenType.String:
                    components.Add(OpComponent.Insert(reader.GetString()!));
                    break;
                case JsonTokenType.StartObject:
                    components.Add(ReadDelete(ref reader));
                    break;
                default:
                    throw new InvalidOpComponentException(
                        $"Op component must be a number, a string or {{\"d\": ...}}, not {reader.TokenType}.");
            }
        }
    }

    private static OpComponent ReadDelete(ref Utf8JsonReader reader)
    {
        OpComponent? delete = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string? key = reader.GetString();
            if (key != "d" || delete is not null)
                throw new InvalidOpComponentException($"Delete component must be exactly {{\"d\": ...}}; found key \"{key}\".");
            reader.Read();
            delete = reader.TokenType switch
            {
                JsonTokenType.Number => OpComponent.Delete(ReadCount(ref reader, "Delete")),
                JsonTokenType.String => OpComponent.Delete(reader.GetString()!),
                _ => throw new InvalidOpComponentException("Delete must be number or string."),
            };
        }
        return delete ?? throw new InvalidOpComponentException("Delete component {} has no \"d\".");
    }

    private static int ReadCount(ref Utf8JsonReader reader, string what) =>
        reader.TryGetInt32(out int value)
            ? value
            : throw new InvalidOpComponentException($"{what} length must be a whole number that fits in 32 bits.");

    public override void Write(Utf8JsonWriter writer, TextOp value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (OpComponent c in value.Span)
        {
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                    writer.WriteNumberValue(c.Length);
                    break;
                case OpComponentKind.Insert:
                    writer.WriteStringValue(c.Text);
                    break;
                default:
                    writer.WriteStartObject();
                    if (c.Text is null) writer.WriteNumber("d", c.Length);
                    else writer.WriteString("d", c.Text);
                    writer.WriteEndObject();
                    break;
            }
        }
        writer.WriteEndArray();
    }
}
