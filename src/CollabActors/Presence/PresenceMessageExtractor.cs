using Akka.Cluster.Sharding;

namespace CollabActors.Presence;

/// <summary>Routes <see cref="IWithPresenceChannel"/> messages to their channel's sharding entity.</summary>
public sealed class PresenceMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) => message switch
    {
        IWithPresenceChannel m => m.Channel,
        _ => null,
    };
}
