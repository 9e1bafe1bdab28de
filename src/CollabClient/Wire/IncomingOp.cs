using System.Text.Json;
using System.Text.Json.Nodes;
using CollabText;

namespace CollabClient.Wire;

/// <summary>What an op message carries besides its version: nothing (an ack), an edit, a create or a delete.</summary>
internal enum IncomingOpChange
{
    None,
    Edit,
    Create,
    Delete,
}

/// <summary>
/// An <c>a:"op"</c> message: the ack of one of our ops, another client's op, or an error reply to our submit.
/// <see cref="BodyError"/> holds why the edit or create could not be read; it is thrown where the body is used, so a
/// broken body in a message that turns out to be an ack changes nothing, as with ShareDB's client.
/// </summary>
internal sealed record IncomingOp(
    string? Collection,
    string? DocumentId,
    long Seq,
    string? Src,
    ShareDbServerException? Error,
    long? Version,
    IncomingOpChange Change,
    TextOp? Op,
    string? CreateText,
    Exception? BodyError) : IncomingMessage
{
    /// <summary>Reads an op message from its JSON object; a field of the wrong type is a <see cref="CollabProtocolException"/>.</summary>
    public static IncomingOp From(JsonObject message)
    {
        string? collection = ServerMessageFields.String(message, "c");
        string? id = ServerMessageFields.String(message, "d");
        long seq = ServerMessageFields.Long(message, "seq") ?? -1;
        string? src = ServerMessageFields.String(message, "src");
        ShareDbServerException? error = ServerMessageFields.Error(message);
        // An error reply need not carry a version; its v is not looked at.
        long? version = error is null ? ServerMessageFields.Long(message, "v") : null;
        IncomingOpChange change = message.ContainsKey("op") ? IncomingOpChange.Edit
            : message.ContainsKey("create") ? IncomingOpChange.Create
            : message.ContainsKey("del") ? IncomingOpChange.Delete
            : IncomingOpChange.None;
        TextOp? op = null;
        string? createText = null;
        Exception? bodyError = null;
        try
        {
            if (change == IncomingOpChange.Edit) op = ReadOp(message["op"]);
            else if (change == IncomingOpChange.Create) createText = ReadCreateText(collection, id, message["create"]);
        }
        catch (Exception e)
        {
            bodyError = e;
        }
        return new IncomingOp(collection, id, seq, src, error, version, change, op, createText, bodyError);
    }

    private static TextOp ReadOp(JsonNode? op)
    {
        try
        {
            return op.Deserialize<TextOp>() ?? throw new InvalidOpComponentException("The op is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidOpComponentException("The server sent an unreadable op: " + e.Message, e);
        }
    }

    private static string ReadCreateText(string? collection, string? id, JsonNode? node)
    {
        if (node is not JsonObject create) throw new CollabProtocolException("A create op has no create object.");
        string? type = ServerMessageFields.String(create, "type");
        if (type is not (TextUnicodeType.Uri or TextUnicodeType.Name))
            throw new CollabProtocolException($"Document {collection}/{id} was created with type {type}; this client edits only text-unicode.");
        return ServerMessageFields.String(create, "data") ?? "";
    }
}
