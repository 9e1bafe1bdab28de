using System.Text.Json;
using System.Text.Json.Nodes;

namespace CollabClient.Wire;

/// <summary>Typed reads of server message fields, with a clear protocol error when a field has the wrong shape.</summary>
internal static class ServerMessageFields
{
    public static string? String(JsonObject message, string name) => message[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonNode other => throw Wrong(message, name, "a string", other),
    };

    public static long? Long(JsonObject message, string name) => message[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long l) => l,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && d == Math.Floor(d) => (long)d,
        JsonNode other => throw Wrong(message, name, "an integer", other),
    };

    public static long RequiredLong(JsonObject message, string name) =>
        Long(message, name) ?? throw new CollabProtocolException($"Server message {Action(message)} lacks '{name}'.");

    /// <summary>The error object of a reply, as an exception, or null if the reply is not an error.</summary>
    public static ShareDbServerException? Error(JsonObject message)
    {
        if (message["error"] is not JsonObject error) return null;
        string code = error["code"]?.ToString() ?? "ERR_UNKNOWN";
        string text = error["message"]?.ToString() ?? "(no message)";
        return new ShareDbServerException(code, text);
    }

    public static string Action(JsonObject message) => message["a"]?.ToString() ?? "(no action)";

    private static CollabProtocolException Wrong(JsonObject message, string name, string expected, JsonNode got) =>
        new($"Server message {Action(message)} has '{name}' = {got.ToJsonString()}, expected {expected}.");
}
