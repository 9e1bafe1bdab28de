namespace CollabActors.Protocol;

/// <summary>Decodes client frames and encodes server messages in one encoding.</summary>
public interface IWireCodec
{
    WireEncoding Encoding { get; }

    /// <summary>Reads one frame. Never throws for bad input: a frame that is not a valid request comes back as an <see cref="UnreadableMessage"/>.</summary>
    ClientMessage Decode(ReadOnlyMemory<byte> frame);

    /// <summary>The bytes of one frame carrying <paramref name="message"/>.</summary>
    byte[] Encode(ServerMessage message);
}
