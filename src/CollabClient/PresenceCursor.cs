using System.Text.Json;
using System.Text.Json.Nodes;
using CollabText;

namespace CollabClient;

/// <summary>
/// Moves a text presence value (<c>{index}</c> or <c>{index, length}</c> in code points, other fields kept) through
/// an op, as PROTOCOL.md's transformPresence does; any other value is left as it is.
/// </summary>
public static class PresenceCursor
{
    public static JsonObject Create(int index, int length = 0) => new() { ["index"] = index, ["length"] = length };

    public static JsonNode? Transform(JsonNode? value, TextOp op)
    {
        if (value is not JsonObject cursor || !TryInt(cursor["index"], out int index)) return value;
        var moved = (JsonObject)cursor.DeepClone();
        if (TryInt(cursor["length"], out int length))
        {
            TextSelection selection = TextUnicodeType.TransformSelection(new TextSelection(index, length), op);
            moved["index"] = selection.Index;
            moved["length"] = selection.Length;
        }
        else
        {
            moved["index"] = TextUnicodeType.TransformPosition(index, op);
        }
        return moved;
    }

    private static bool TryInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }
}
