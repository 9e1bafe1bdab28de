using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;

namespace CollabQueryBench;

/// <summary>
/// Writes many documents' histories through the journal plugin (config/akka.hocon's, the host's own) in bulk: one
/// <see cref="WriteMessages"/> per batch with an atomic write per document, as many DocumentActors persisting at
/// once would send. The rows are exactly what DocumentActor writes (persistence id, sequence numbers, the serialized
/// <c>CommittedOp</c>); only the actors and their recoveries are left out, which 100,000 documents would make slow.
/// </summary>
public sealed class JournalBulkWriter : ReceiveActor
{
    /// <summary>Writes one batch; answered with <see cref="Written"/> when every event is committed.</summary>
    public sealed record Write(IReadOnlyList<CorpusDocument> Documents);

    public sealed record Written(int Events);

    private readonly IActorRef _journal;
    private IActorRef _replyTo = ActorRefs.Nobody;
    private int _expected;
    private int _written;

    public JournalBulkWriter()
    {
        _journal = Persistence.Instance.Apply(Context.System).JournalFor(null);
        Receive<Write>(write =>
        {
            _replyTo = Sender;
            var envelopes = new List<IPersistentEnvelope>(write.Documents.Count);
            foreach (CorpusDocument document in write.Documents)
            {
                string persistenceId = "document-" + document.Id.EntityId;
                envelopes.Add(new AtomicWrite(document.History
                    .Select((op, i) => (IPersistentRepresentation)new Persistent(op, i + 1, persistenceId, "", false, ActorRefs.NoSender, "bulk", 0))
                    .ToImmutableList()));
                _expected += document.History.Count;
            }
            _journal.Tell(new WriteMessages(envelopes, Self, 1));
        });
        Receive<WriteMessagesSuccessful>(_ => { });
        Receive<WriteMessageSuccess>(_ =>
        {
            if (++_written != _expected) return;
            _replyTo.Tell(new Written(_written));
            Context.Stop(Self);
        });
        Receive<WriteMessageRejected>(r => Fail(r.Cause));
        Receive<WriteMessageFailure>(f => Fail(f.Cause));
        Receive<WriteMessagesFailed>(f => Fail(f.Cause));
    }

    private void Fail(Exception cause)
    {
        _replyTo.Tell(new Status.Failure(cause));
        Context.Stop(Self);
    }
}
