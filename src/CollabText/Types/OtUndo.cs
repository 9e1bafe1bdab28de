namespace CollabText.Types;

/// <summary>What steps a document back over one applied op; only the document that made it reads it.</summary>
public abstract class OtUndo
{
    /// <summary>Roughly what the undo holds in memory, for the op log bound.</summary>
    public abstract long EstimatedBytes { get; }
}
