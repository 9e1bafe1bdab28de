using CollabText;

namespace CollabActors.Protocol;

/// <summary>What an <c>op</c> message does to its document: edit it, create it, or delete it.</summary>
public abstract record OpChange;

/// <summary><c>op: [...]</c>: a text-unicode edit.</summary>
public sealed record EditChange(TextOp Op) : OpChange;

/// <summary><c>create: {type, data}</c>: create the document with a type and initial data.</summary>
public sealed record CreateChange(string Type, string? Data) : OpChange;

/// <summary><c>del: true</c>: delete the document.</summary>
public sealed record DeleteChange : OpChange
{
    public static readonly DeleteChange Instance = new();
}
