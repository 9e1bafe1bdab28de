namespace CollabActors.Documents;

/// <summary>Key of the document shard region in the Akka.Hosting actor registry.</summary>
public sealed class DocumentRegion;
