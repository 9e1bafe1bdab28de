namespace CollabText;

/// <summary>Base of every error the text-unicode type raises; the message says what was wrong.</summary>
public class TextOpException : Exception
{
    public TextOpException(string message) : base(message)
    {
    }

    public TextOpException(string message, Exception inner) : base(message, inner)
    {
    }
}
