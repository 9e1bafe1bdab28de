namespace CollabText;

/// <summary>What one component of a text-unicode op does as it walks the document.</summary>
public enum OpComponentKind
{
    Skip,
    Insert,
    Delete,
}
