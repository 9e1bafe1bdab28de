namespace CollabText;

/// <summary>An op that breaks the text-unicode shape rules (bad skip, empty insert or delete, trailing skip, bad JSON).</summary>
public sealed class InvalidOpComponentException : TextOpException
{
    public InvalidOpComponentException(string message) : base(message)
    {
    }

    public InvalidOpComponentException(string message, Exception inner) : base(message, inner)
    {
    }
}
