namespace CollabActors.Protocol;

/// <summary>A message a client sent, decoded from one frame. Each action has its own record.</summary>
public abstract record ClientMessage
{
    /// <summary>The wire action (<c>a</c>) this message came as.</summary>
    public abstract string Action { get; }

    /// <summary>The identifying fields an error reply echoes so the client can route the error.</summary>
    public abstract RequestEcho Echo();
}
