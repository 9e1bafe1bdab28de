using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using MessagePack;

namespace CollabActors.Protocol;

/// <summary>
/// The MessagePack encoding (binary frames): the same objects as the JSON encoding, same keys and values. A frame is
/// read with <see cref="MessagePackSecurity.UntrustedData"/> (depth bounded to <see cref="WireLimits.MaxDepth"/>)
/// into the JSON tree the JSON codec reads, so both encodings obey one set of rules. Only the types JSON has are
/// accepted: nil, booleans, integers, floats, UTF-8 strings, arrays and maps with string keys; binary and extension
/// values are rejected.
/// </summary>
public sealed class MessagePackWireCodec : IWireCodec
{
    public static readonly MessagePackWireCodec Instance = new();

    private static readonly MessagePackSerializerOptions ReadOptions = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(WireLimits.MaxDepth));

    public WireEncoding Encoding => WireEncoding.MessagePack;

    public ClientMessage Decode(ReadOnlyMemory<byte> frame)
    {
        var json = new ArrayBufferWriter<byte>(Math.Max(64, frame.Length * 2));
        try
        {
            var reader = new MessagePackReader(frame);
            using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { SkipValidation = false, MaxDepth = WireLimits.MaxDepth + 1 }))
            {
                CopyValue(ref reader, writer);
            }
            if (!reader.End) return Unreadable("The frame holds more than one MessagePack value.");
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException
                                      or InsufficientExecutionStackException or InvalidDataException
                                      or ArgumentException or InvalidOperationException)
        {
            return Unreadable($"The frame is not a valid MessagePack message: {e.Message}");
        }
        return JsonWireCodec.DecodeUtf8Json(json.WrittenMemory);
    }

    public byte[] Encode(ServerMessage message)
    {
        byte[] json = JsonWireCodec.Instance.Encode(message);
        using JsonDocument document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        var writer = new MessagePackWriter(buffer);
        WriteElement(ref writer, document.RootElement);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static void CopyValue(ref MessagePackReader reader, Utf8JsonWriter writer)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64) writer.WriteNumberValue(reader.ReadUInt64());
                else writer.WriteNumberValue(reader.ReadInt64());
                break;
            case MessagePackType.Float:
                double number = reader.ReadDouble();
                if (!double.IsFinite(number)) throw new InvalidDataException("NaN and infinities are not allowed.");
                writer.WriteNumberValue(number);
                break;
            case MessagePackType.String:
                writer.WriteStringValue(ReadUtf8(ref reader));
                break;
            case MessagePackType.Array:
                ReadOptions.Security.DepthStep(ref reader);
                int length = reader.ReadArrayHeader();
                writer.WriteStartArray();
                for (int i = 0; i < length; i++) CopyValue(ref reader, writer);
                writer.WriteEndArray();
                reader.Depth--;
                break;
            case MessagePackType.Map:
                ReadOptions.Security.DepthStep(ref reader);
                int count = reader.ReadMapHeader();
                writer.WriteStartObject();
                for (int i = 0; i < count; i++)
                {
                    if (reader.NextMessagePackType != MessagePackType.String)
                        throw new InvalidDataException("Map keys must be strings.");
                    writer.WritePropertyName(ReadUtf8(ref reader));
                    CopyValue(ref reader, writer);
                }
                writer.WriteEndObject();
                reader.Depth--;
                break;
            default:
                throw new InvalidDataException($"{reader.NextMessagePackType} values are not allowed; only the types JSON has.");
        }
    }

    private static byte[] ReadUtf8(ref MessagePackReader reader)
    {
        ReadOnlySequence<byte> bytes = reader.ReadStringSequence() ?? ReadOnlySequence<byte>.Empty;
        byte[] utf8 = bytes.ToArray();
        // MessagePack's own string reader replaces bad bytes silently; be strict like the JSON encoding.
        if (!Utf8.IsValid(utf8)) throw new InvalidDataException("A string is not valid UTF-8.");
        return utf8;
    }

    private static void WriteElement(ref MessagePackWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                int count = 0;
                foreach (JsonProperty _ in element.EnumerateObject()) count++;
                writer.WriteMapHeader(count);
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    WriteElement(ref writer, property.Value);
                }
                break;
            case JsonValueKind.Array:
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (JsonElement item in element.EnumerateArray()) WriteElement(ref writer, item);
                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number:
                if (element.TryGetInt64(out long integer)) writer.Write(integer);
                else writer.Write(element.GetDouble());
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    private static UnreadableMessage Unreadable(string message) =>
        new(new RequestEcho(null), new ProtocolError(ProtocolErrorCodes.MessageBadlyFormed, message));
}
