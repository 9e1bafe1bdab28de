namespace CollabText.Json0;

/// <summary>Base of every error the json0 type raises; the message says what was wrong and where.</summary>
public class Json0Exception : Exception
{
    public Json0Exception(string message) : base(message)
    {
    }

    public Json0Exception(string message, Exception inner) : base(message, inner)
    {
    }
}
