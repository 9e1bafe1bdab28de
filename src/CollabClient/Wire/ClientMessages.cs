using System.Text.Json;
using System.Text.Json.Nodes;
using CollabText;

namespace CollabClient.Wire;

/// <summary>The messages this client sends, in ShareDB protocol 1.2's shapes (field names as the wire has them).</summary>
internal static class ClientMessages
{
    public const int ProtocolMajor = 1;
    public const int ProtocolMinor = 2;

    public static JsonObject Handshake(string? previousId) => new()
    {
        ["a"] = "hs", ["id"] = previousId, ["protocol"] = ProtocolMajor, ["protocolMinor"] = ProtocolMinor,
    };

    public static JsonObject Fetch(string collection, string id, long? version) => new()
    {
        ["a"] = "f", ["c"] = collection, ["d"] = id, ["v"] = version,
    };

    public static JsonObject Subscribe(string collection, string id, long? version)
    {
        var message = new JsonObject { ["a"] = "s", ["c"] = collection, ["d"] = id };
        if (version is not null) message["v"] = version;
        return message;
    }

    public static JsonObject Unsubscribe(string collection, string id) => new() { ["a"] = "u", ["c"] = collection, ["d"] = id };

    /// <summary>An edit op; <paramref name="src"/> is set on resends so the server recognises an op it already has.</summary>
    public static JsonObject SubmitEdit(string collection, string id, long version, long seq, string? src, TextOp op)
    {
        JsonObject message = SubmitBase(collection, id, version, seq, src);
        message["op"] = JsonSerializer.SerializeToNode(op);
        return message;
    }

    public static JsonObject SubmitCreate(string collection, string id, long version, long seq, string? src, string text)
    {
        JsonObject message = SubmitBase(collection, id, version, seq, src);
        message["create"] = new JsonObject { ["type"] = TextUnicodeType.Uri, ["data"] = text };
        return message;
    }

    private static JsonObject SubmitBase(string collection, string id, long version, long seq, string? src)
    {
        var message = new JsonObject { ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = version };
        if (src is not null) message["src"] = src;
        message["seq"] = seq;
        message["x"] = new JsonObject();
        return message;
    }

    public static string PresenceChannel(string collection, string id) => collection + "." + id;

    public static JsonObject PublishPresence(string collection, string id, string presenceId, JsonNode? value, long presenceVersion, long docVersion) => new()
    {
        ["a"] = "p", ["ch"] = PresenceChannel(collection, id), ["id"] = presenceId, ["p"] = value?.DeepClone(),
        ["pv"] = presenceVersion, ["c"] = collection, ["d"] = id, ["v"] = docVersion, ["t"] = TextUnicodeType.Uri,
    };

    public static JsonObject SubscribePresence(string channel, long seq) => new() { ["a"] = "ps", ["ch"] = channel, ["seq"] = seq };
}
