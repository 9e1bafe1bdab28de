using System.Text.Json;
using System.Text.Unicode;
using CollabText;

namespace CollabActors.Protocol;

/// <summary>The JSON encoding (text frames): one JSON object per frame, strictly UTF-8, no duplicate keys.</summary>
public sealed class JsonWireCodec : IWireCodec
{
    public static readonly JsonWireCodec Instance = new();

    internal static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = WireLimits.MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    public WireEncoding Encoding => WireEncoding.Json;

    public ClientMessage Decode(ReadOnlyMemory<byte> frame)
    {
        // The JSON reader only checks UTF-8 inside strings lazily; check the whole frame so bad bytes never get in.
        if (!Utf8.IsValid(frame.Span))
            return Unreadable("The frame is not valid UTF-8.");
        return DecodeUtf8Json(frame);
    }

    internal static ClientMessage DecodeUtf8Json(ReadOnlyMemory<byte> json)
    {
        // Before parsing: the parser's duplicate-key check already reads property names, and one holding a lone
        // surrogate throws there.
        if (LoneSurrogates.InJsonText(json.Span)) return RefuseLoneSurrogate(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, DocumentOptions);
            return ClientMessageReader.Read(document.RootElement);
        }
        catch (JsonException e)
        {
            return Unreadable($"The frame is not valid JSON: {e.Message}");
        }
    }

    private static UnreadableMessage RefuseLoneSurrogate(ReadOnlyMemory<byte> json)
    {
        const string problem = "The message holds a lone surrogate (a \\uD800-\\uDFFF escape without its pair); every string must be well-formed Unicode.";
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, EchoOptions);
            return ClientMessageReader.Refuse(document.RootElement, ProtocolErrorCodes.MessageBadlyFormed, problem);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Looking up a routing field compares property names, which unescapes them; a name holding the lone
            // surrogate throws there. The error then goes without routing fields.
            return Unreadable(problem);
        }
    }

    // Only to find routing fields for the error reply: duplicate keys are not checked, since that reads every name.
    private static readonly JsonDocumentOptions EchoOptions = DocumentOptions with { AllowDuplicateProperties = true };

    public byte[] Encode(ServerMessage message) => ScratchJsonWriter.ToUtf8(message, ServerMessageJsonWriter.Write);

    private static UnreadableMessage Unreadable(string message) =>
        new(new RequestEcho(null), new ProtocolError(ProtocolErrorCodes.MessageBadlyFormed, message));
}
