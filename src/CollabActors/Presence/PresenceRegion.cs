namespace CollabActors.Presence;

/// <summary>Key of the presence-channel shard region in the Akka.Hosting actor registry.</summary>
public sealed class PresenceRegion;
