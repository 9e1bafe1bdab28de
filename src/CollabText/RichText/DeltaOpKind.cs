namespace CollabText.RichText;

/// <summary>What one op of a delta does: insert text or an embed, retain (and maybe re-format), or delete.</summary>
public enum DeltaOpKind : byte
{
    Insert,
    Retain,
    Delete,
}
