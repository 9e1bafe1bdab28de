using System.Text.Json;

namespace CollabActors.Protocol;

/// <summary>
/// A presence value as sent to clients (<c>{a:"p", ch, src, id, p, pv, c, d, v, t}</c>): pushed to the other
/// subscribers of the channel, and echoed to the publisher as its reply.
/// </summary>
public sealed record PresenceMessage(
    string Channel,
    string Src,
    string PresenceId,
    JsonElement? Value,
    long PresenceVersion,
    string? Collection,
    string? DocumentId,
    long? Version,
    string? Type) : ServerMessage
{
    public override string Action => MessageActions.Presence;
}
