using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MessagePack;

namespace CollabClient.Wire;

/// <summary>
/// Turns one protocol message (a JSON object) into a frame and back. MessagePack frames carry the same object as
/// the JSON ones (same keys, same values), so both encodings share one message model here.
/// </summary>
internal static class WireFrameCodec
{
    // Frames come from a server we do not control: MessagePack's untrusted-data mode bounds depth and hashing.
    private static readonly MessagePackSerializerOptions UntrustedReadOptions =
        MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = DocumentOptions.MaxDepth };

    public static byte[] Encode(JsonObject message, FrameEncoding encoding)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(message);
        return encoding == FrameEncoding.Json ? json : MessagePackSerializer.ConvertFromJson(Encoding.UTF8.GetString(json));
    }

    /// <summary>
    /// Reads a frame: an op or presence message straight from its JSON (MessagePack frames are transcoded to JSON
    /// first), anything else as its JSON object. Throws <see cref="CollabProtocolException"/> if it is not one message object.
    /// </summary>
    public static IncomingMessage DecodeMessage(ReadOnlyMemory<byte> frame, bool binary)
    {
        ReadOnlyMemory<byte> json = binary ? TranscodeToJson(frame) : frame;
        return OpAndPresenceReader.TryRead(json, ReaderOptions) ?? new IncomingJson(ParseObject(json, binary));
    }

    /// <summary>Reads a frame as its JSON object; throws <see cref="CollabProtocolException"/> if it is not one message object.</summary>
    public static JsonObject Decode(ReadOnlyMemory<byte> frame, bool binary) =>
        ParseObject(binary ? TranscodeToJson(frame) : frame, binary);

    private static JsonObject ParseObject(ReadOnlyMemory<byte> json, bool binary)
    {
        try
        {
            return JsonNode.Parse(json.Span, NodeOptions, DocumentOptions) as JsonObject
                ?? throw new CollabProtocolException("The server sent a frame that is not a JSON object.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CollabProtocolException($"The server sent an unreadable {(binary ? "MessagePack" : "JSON")} frame: {e.Message}", e);
        }
    }

    private static byte[] TranscodeToJson(ReadOnlyMemory<byte> frame)
    {
        try
        {
            return Encoding.UTF8.GetBytes(MessagePackSerializer.ConvertToJson(frame, UntrustedReadOptions));
        }
        catch (Exception e) when (e is MessagePackSerializationException or InvalidOperationException)
        {
            throw new CollabProtocolException($"The server sent an unreadable MessagePack frame: {e.Message}", e);
        }
    }
}
