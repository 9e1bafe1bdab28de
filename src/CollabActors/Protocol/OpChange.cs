using System.Text.Json;
using CollabText;
using CollabText.Types;

namespace CollabActors.Protocol;

/// <summary>What an <c>op</c> message does to its document: edit it, create it, or delete it.</summary>
public abstract record OpChange;

/// <summary>
/// <c>op: [...]</c>: an edit. From the wire it is an <see cref="UnreadOp"/>; the document reads it with its type, so
/// a committed edit holds an op of the document's type.
/// </summary>
public sealed record EditChange(OtOp Op) : OpChange
{
    /// <summary>A text-unicode edit.</summary>
    public EditChange(TextOp op) : this(TextUnicodeOtType.Instance.Wrap(op))
    {
    }
}

/// <summary>
/// <c>create: {type, data}</c>: create the document with a type (name or URI; committed with the URI) and initial
/// data (null when the client sent none).
/// </summary>
public sealed record CreateChange(string Type, JsonText? Data) : OpChange
{
    /// <summary>A create whose data is a string (a text-unicode document's text).</summary>
    public CreateChange(string type, string? text) : this(type, text is null ? null : JsonText.Of(text))
    {
    }
}

/// <summary><c>del: true</c>: delete the document.</summary>
public sealed record DeleteChange : OpChange
{
    public static readonly DeleteChange Instance = new();
}
