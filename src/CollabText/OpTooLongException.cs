namespace CollabText;

/// <summary>An op whose skips or deletes reach past the end of the document it is applied to.</summary>
public sealed class OpTooLongException : TextOpException
{
    public OpTooLongException(int opLength, int documentLength)
        : base($"The op is too long for this document: it spans {opLength} code points but the document has {documentLength}.")
    {
        OpLength = opLength;
        DocumentLength = documentLength;
    }

    public int OpLength { get; }
    public int DocumentLength { get; }
}
