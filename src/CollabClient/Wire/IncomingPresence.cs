using System.Text;
using System.Text.Json.Nodes;

namespace CollabClient.Wire;

/// <summary>
/// An <c>a:"p"</c> message: another client's presence (with <see cref="Src"/>), the server's reply to our own publish
/// (without), or an error. The value stays as its JSON text until someone asks for it: most receivers in a big room
/// only count presence updates, and a tree per update per receiver is what this type exists to avoid.
/// </summary>
internal sealed record IncomingPresence(
    string? Collection,
    string? DocumentId,
    string? Src,
    string? PresenceId,
    ShareDbServerException? Error,
    ReadOnlyMemory<byte> ValueJson) : IncomingMessage
{
    /// <summary>The presence value as a fresh tree (null for a JSON null or no value).</summary>
    public JsonNode? ParseValue() => ValueJson.IsEmpty ? null : JsonNode.Parse(ValueJson.Span);

    /// <summary>
    /// Reads someone's presence from its JSON object (the caller has checked error and src, as the dispatch does for
    /// every presence message); a field of the wrong type is a <see cref="CollabProtocolException"/>.
    /// </summary>
    public static IncomingPresence From(JsonObject message)
    {
        string? collection = ServerMessageFields.String(message, "c");
        string? id = ServerMessageFields.String(message, "d");
        string? src = ServerMessageFields.String(message, "src");
        string? presenceId = ServerMessageFields.String(message, "id");
        JsonNode? value = message["p"];
        return new IncomingPresence(collection, id, src, presenceId, ServerMessageFields.Error(message),
            value is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(value.ToJsonString()));
    }
}
