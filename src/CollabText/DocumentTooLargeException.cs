namespace CollabText;

/// <summary>Applying the op would make the document larger than its configured maximum.</summary>
public sealed class DocumentTooLargeException : TextOpException
{
    public DocumentTooLargeException(long resultingSize, long maximumSize)
        : base($"The op would make the document {resultingSize} UTF-16 units long, over the maximum of {maximumSize}.")
    {
        ResultingSize = resultingSize;
        MaximumSize = maximumSize;
    }

    public long ResultingSize { get; }
    public long MaximumSize { get; }
}
