using System.Text.Encodings.Web;
using System.Text.Json;

namespace CollabActors.Protocol;

/// <summary>
/// A JSON value kept as its text (a create's data): immutable, compared by text, written as it is, and cheap to
/// carry to the journal and between nodes.
/// </summary>
public sealed record JsonText(string Json)
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The element's JSON, written afresh so that equal values give equal text (the MessagePack encoding arrives with other escapes than the JSON one).</summary>
    public static JsonText From(JsonElement element) => new(JsonSerializer.Serialize(element, Relaxed));

    /// <summary>A JSON string holding <paramref name="text"/>.</summary>
    public static JsonText Of(string text) => new(JsonSerializer.Serialize(text, Relaxed));

    public JsonElement ToElement() => JsonSerializer.Deserialize<JsonElement>(Json);

    public void WriteTo(Utf8JsonWriter writer) => writer.WriteRawValue(Json, skipInputValidation: true);

    public override string ToString() => Json;
}
