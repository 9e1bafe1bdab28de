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

    public static byte[] Encode(JsonObject message, FrameEncoding encoding)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(message);
        return encoding == FrameEncoding.Json ? json : MessagePackSerializer.ConvertFromJson(Encoding.UTF8.GetString(json));
    }

    /// <summary>Reads a frame; throws <see cref="CollabProtocolException"/> if it is not one message object.</summary>
    public static JsonObject Decode(ReadOnlyMemory<byte> frame, bool binary)
    {
        try
        {
            JsonNode? node = binary
                ? JsonNode.Parse(MessagePackSerializer.ConvertToJson(frame, UntrustedReadOptions), NodeOptions, DocumentOptions)
                : JsonNode.Parse(frame.Span, NodeOptions, DocumentOptions);
            return node as JsonObject ?? throw new CollabProtocolException("The server sent a frame that is not a JSON object.");
        }
        catch (Exception e) when (e is JsonException or MessagePackSerializationException or InvalidOperationException)
        {
            throw new CollabProtocolException($"The server sent an unreadable {(binary ? "MessagePack" : "JSON")} frame: {e.Message}", e);
        }
    }
}
