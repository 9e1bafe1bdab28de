namespace CollabHost.ReadModel;

/// <summary>One row of the journal as the projector reads it: where it is in the journal, whose event it is, and its payload.</summary>
public sealed record JournalRow(long Ordering, string PersistenceId, long SequenceNr, string Manifest, byte[] Message);
