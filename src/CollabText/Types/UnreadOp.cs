using System.Text.Json;

namespace CollabText.Types;

/// <summary>
/// An op as a client sent it, before the document's type has read it: the wire does not say which type an op is
/// for, only the document knows (<see cref="OtType.Read"/>).
/// </summary>
public sealed class UnreadOp : OtOp
{
    /// <param name="json">The op's JSON; cloned, so it outlives the frame it came in.</param>
    public UnreadOp(JsonElement json)
    {
        Json = json.Clone();
    }

    public JsonElement Json { get; }

    public override OtType? Type => null;

    public override void WriteTo(Utf8JsonWriter writer) => Json.WriteTo(writer);

    public override long EstimatedBytes => 2L * Json.GetRawText().Length;
}
