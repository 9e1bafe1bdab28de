using CollabActors.Protocol;

namespace CollabActors.Documents;

/// <summary>How a committed op goes on the wire.</summary>
public static class CommittedOpMessages
{
    public static OpMessage ToMessage(this CommittedOp op, DocumentId document) =>
        new(document.Collection, document.Id, op.Version, op.Src, op.Seq, op.Change);
}
