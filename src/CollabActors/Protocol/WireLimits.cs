namespace CollabActors.Protocol;

/// <summary>Bounds the decoders enforce on untrusted frames.</summary>
public static class WireLimits
{
    /// <summary>
    /// Deepest nesting of arrays and objects a frame may have. The deepest legitimate message is a presence value
    /// inside a message (a handful of levels); the bound stops stack exhaustion and deeply nested bombs.
    /// </summary>
    public const int MaxDepth = 32;
}
