using Akka.Actor;
using Akka.Persistence;
using CollabActors.Documents;

namespace CollabDurabilityBench;

/// <summary>
/// Writes a prepared history into a document's journal (and snapshots at chosen versions) the way DocumentActor
/// would have, only in batches: the 100,000-op document for the recovery figures.
/// </summary>
public sealed class JournalFiller : ReceivePersistentActor
{
    public sealed record Fill(IReadOnlyList<CommittedOp> Ops, IReadOnlyDictionary<long, DocumentSnapshot> Snapshots);

    public sealed record Filled(long Events, int Snapshots);

    private const int Chunk = 1000;
    private int _snapshotsExpected;
    private int _snapshotsSaved;
    private long _written;
    private long _total;
    private IActorRef _replyTo = ActorRefs.Nobody;

    public JournalFiller(string persistenceId)
    {
        PersistenceId = persistenceId;
        Command<Fill>(fill =>
        {
            _replyTo = Sender;
            _total = fill.Ops.Count;
            _snapshotsExpected = fill.Snapshots.Count;
            foreach (CommittedOp[] chunk in fill.Ops.Chunk(Chunk))
            {
                PersistAll(chunk, op =>
                {
                    _written++;
                    // LastSequenceNr is this op's sequence number = the version after it.
                    if (fill.Snapshots.TryGetValue(op.Version + 1, out DocumentSnapshot? snapshot)) SaveSnapshot(snapshot);
                    MaybeDone();
                });
            }
        });
        Command<SaveSnapshotSuccess>(_ =>
        {
            _snapshotsSaved++;
            MaybeDone();
        });
        Command<SaveSnapshotFailure>(f => throw new InvalidOperationException("snapshot not saved", f.Cause));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new JournalFiller(persistenceId));

    private void MaybeDone()
    {
        if (_written == _total && _snapshotsSaved == _snapshotsExpected) _replyTo.Tell(new Filled(_written, _snapshotsSaved));
    }
}
