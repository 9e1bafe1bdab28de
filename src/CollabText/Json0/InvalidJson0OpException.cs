namespace CollabText.Json0;

/// <summary>An op or JSON value that breaks json0's shape rules (bad path, no or two instructions, bad JSON).</summary>
public sealed class InvalidJson0OpException : Json0Exception
{
    public InvalidJson0OpException(string message) : base(message)
    {
    }

    public InvalidJson0OpException(string message, Exception inner) : base(message, inner)
    {
    }
}
