namespace CollabActors.Protocol;

/// <summary>The codec for an encoding.</summary>
public static class WireCodecs
{
    public static IWireCodec For(WireEncoding encoding) => encoding switch
    {
        WireEncoding.Json => JsonWireCodec.Instance,
        WireEncoding.MessagePack => MessagePackWireCodec.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
    };
}
