namespace CollabHost.Persistence;

/// <summary>One event serialized as Akka.Persistence.Sql stores it: the values of one journal row (and its tags).</summary>
public sealed record JournalEvent(
    string PersistenceId,
    long SequenceNumber,
    long Created,
    byte[] Message,
    string Manifest,
    int SerializerId,
    string[] Tags);
