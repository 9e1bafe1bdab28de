namespace CollabActors.Protocol;

/// <summary>One document's part of a bulk reply's <c>data</c>: its snapshot, or its own error.</summary>
public sealed record BulkItemResult(WireSnapshot? Snapshot, ProtocolError? Error)
{
    public static BulkItemResult Of(WireSnapshot snapshot) => new(snapshot, null);

    public static BulkItemResult Failed(ProtocolError error) => new(null, error);
}
