using System.Text.Json;

namespace CollabActors.Protocol;

/// <summary>
/// <c>p</c>: one local presence's new value on a channel (<see cref="Value"/> null: the presence is gone).
/// For document presence the channel is the document and <see cref="Version"/> the document version the value is
/// relative to, so the server can move it through ops committed since. <see cref="Value"/> is a detached
/// (cloned) element, safe to hold and to pass between actors.
/// </summary>
public sealed record PresenceUpdate(
    string Channel,
    string PresenceId,
    JsonElement? Value,
    long PresenceVersion,
    string? Collection,
    string? DocumentId,
    long? Version,
    string? Type) : ClientMessage
{
    public override string Action => MessageActions.Presence;

    public override RequestEcho Echo() =>
        new(Action, Collection, DocumentId, Id: PresenceId, Channel: Channel, Version: Version,
            PresenceVersion: PresenceVersion);
}
