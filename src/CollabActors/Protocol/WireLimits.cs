namespace CollabActors.Protocol;

/// <summary>Bounds the decoders enforce on untrusted frames.</summary>
public static class WireLimits
{
    /// <summary>
    /// Deepest nesting of arrays and objects a frame may have. The deepest legitimate message is a presence value
    /// inside a message (a handful of levels); the bound stops stack exhaustion and deeply nested bombs.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>
    /// Longest collection name, document id or presence id, in UTF-16 code units. Names are kept in memory by every document and
    /// subscription and written into every journal row, so a client must not choose their size.
    /// </summary>
    public const int MaxNameLength = 256;

    /// <summary>Longest presence channel name: a document's channel is "collection.id", so two names and a dot.</summary>
    public const int MaxChannelLength = 2 * MaxNameLength + 1;
}
