namespace CollabClient;

/// <summary>How messages travel: JSON text frames (ShareDB's own) or MessagePack binary frames (our extension, same shapes).</summary>
public enum FrameEncoding
{
    Json,
    MessagePack,
}
