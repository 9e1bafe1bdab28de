namespace CollabActors.Protocol;

/// <summary>A message the server sends to a client: a reply to a request or a push (an op, a presence update).</summary>
public abstract record ServerMessage
{
    /// <summary>The wire action (<c>a</c>) of this message.</summary>
    public abstract string Action { get; }
}
