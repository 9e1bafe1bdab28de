namespace CollabText.Json0;

/// <summary>A well-formed op that does not fit the document it is applied to (missing key, index out of range, wrong kind).</summary>
public sealed class Json0ApplyException : Json0Exception
{
    public Json0ApplyException(string message) : base(message)
    {
    }
}
