using Akka.Actor;

namespace CollabActors.Documents;

/// <summary>
/// Told to a connection by <see cref="UndeliveredRequestWatch"/>: its request <see cref="RequestId"/> to a document
/// went to dead letters, typically sent towards a node that had just died, before the cluster moved the document's
/// shard. The document never saw it, so sending it again (same request id) is safe: nothing was applied, and any
/// reply to an earlier copy is matched once.
/// </summary>
public sealed record DocumentRequestUndelivered(long RequestId) : INoSerializationVerificationNeeded;
