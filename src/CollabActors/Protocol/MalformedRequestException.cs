namespace CollabActors.Protocol;

/// <summary>
/// Raised inside the decoder when a frame is not a valid request; the codec turns it into an
/// <see cref="UnreadableMessage"/>, so it never leaves the Protocol folder.
/// </summary>
internal sealed class MalformedRequestException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
