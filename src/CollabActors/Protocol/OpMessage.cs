namespace CollabActors.Protocol;

/// <summary>A committed op pushed to a subscriber (or sent as catch-up): <c>{a:"op", c, d, v, src, seq, op|create|del}</c>.</summary>
public sealed record OpMessage(string Collection, string DocumentId, long Version, string Src, long Seq, OpChange Change)
    : ServerMessage
{
    public override string Action => MessageActions.Op;
}
