namespace CollabActors.Protocol;

/// <summary>The submitter's acknowledgement of its op: <c>{a:"op", c, d, src, seq, v}</c> with the committed version.</summary>
public sealed record OpAck(string Collection, string DocumentId, string Src, long Seq, long Version) : ServerMessage
{
    public override string Action => MessageActions.Op;
}
