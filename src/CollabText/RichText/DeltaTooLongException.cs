namespace CollabText.RichText;

/// <summary>
/// An op whose retains and deletes reach past the end of the document it is applied to (or of the base document it
/// is inverted against). The reference composes such an op anyway and leaves retains or deletes in the document.
/// </summary>
public sealed class DeltaTooLongException : RichTextException
{
    public DeltaTooLongException(long opLength, long documentLength)
        : base($"The op is too long for this document: it retains or deletes {opLength} UTF-16 units but the document has {documentLength}.")
    {
        OpLength = opLength;
        DocumentLength = documentLength;
    }

    public long OpLength { get; }
    public long DocumentLength { get; }
}
