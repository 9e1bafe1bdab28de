namespace CollabActors.Protocol;

/// <summary>How a connection's frames are encoded: JSON in text frames, MessagePack in binary frames.</summary>
public enum WireEncoding
{
    Json,
    MessagePack,
}
