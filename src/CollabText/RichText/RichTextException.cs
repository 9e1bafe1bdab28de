namespace CollabText.RichText;

/// <summary>Base of every error the rich-text type raises; the message says what was wrong.</summary>
public class RichTextException : Exception
{
    public RichTextException(string message) : base(message)
    {
    }

    public RichTextException(string message, Exception inner) : base(message, inner)
    {
    }
}
