namespace CollabText.RichText;

/// <summary>
/// A delta that breaks the shape rules: not an array of ops (or <c>{"ops":[...]}</c>), an op that is not exactly one
/// of insert, retain or delete, a length that is not a positive integer, an empty insert, a document that holds
/// something other than inserts.
/// </summary>
public sealed class InvalidDeltaException : RichTextException
{
    public InvalidDeltaException(string message) : base(message)
    {
    }

    public InvalidDeltaException(string message, Exception inner) : base(message, inner)
    {
    }
}
