using Akka.Cluster.Sharding;

namespace CollabActors.Documents;

/// <summary>Routes <see cref="IWithDocumentId"/> messages to their document's sharding entity.</summary>
public sealed class DocumentMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    public override string? EntityId(object message) => message switch
    {
        IWithDocumentId m => m.Document.EntityId,
        _ => null,
    };
}
