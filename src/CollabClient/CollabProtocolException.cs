namespace CollabClient;

/// <summary>The server said something this client cannot accept (wrong protocol, unreadable frame, broken handshake).</summary>
public sealed class CollabProtocolException : Exception
{
    public CollabProtocolException(string message) : base(message) { }
    public CollabProtocolException(string message, Exception inner) : base(message, inner) { }
}
