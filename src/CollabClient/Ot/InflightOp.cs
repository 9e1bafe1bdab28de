using CollabText;

namespace CollabClient.Ot;

/// <summary>
/// The one op a document has on the wire, waiting for its ack: an edit (<see cref="Op"/>) or a create
/// (<see cref="CreateText"/>). <see cref="Src"/> is the connection id it was first sent under; a resend after a
/// reconnect carries the same src and seq so the server can tell it already has it.
/// </summary>
public sealed record InflightOp(long Seq, string? Src, TextOp? Op, string? CreateText)
{
    public bool IsCreate => CreateText is not null;
}
