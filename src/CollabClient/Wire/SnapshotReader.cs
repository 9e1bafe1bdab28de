using System.Text.Json;
using System.Text.Json.Nodes;
using CollabText;

namespace CollabClient.Wire;

/// <summary>Reads the <c>data: {v, type, data}</c> snapshot of an f or s reply (null when the reply carries none).</summary>
internal static class SnapshotReader
{
    public static DocumentSnapshot? Read(string collection, string id, JsonObject reply)
    {
        if (reply["data"] is not JsonObject data) return null;
        long version = ServerMessageFields.RequiredLong(data, "v");
        string? type = ServerMessageFields.String(data, "type");
        if (type is null) return new DocumentSnapshot(collection, id, version, null, null);
        if (type is not (TextUnicodeType.Uri or TextUnicodeType.Name))
            throw new CollabProtocolException($"Document {collection}/{id} has type {type}; this client edits only {TextUnicodeType.Uri}.");
        string text = data["data"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new CollabProtocolException($"Document {collection}/{id}'s snapshot data is not a string.");
        return new DocumentSnapshot(collection, id, version, TextUnicodeType.Uri, text);
    }
}
