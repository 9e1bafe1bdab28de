using Akka.Actor;
using Akka.Persistence;

namespace CollabHost.Persistence;

/// <summary>
/// What a persistent actor is told about one WriteMessages, in the order and with the senders Akka.Persistence's
/// AsyncWriteJournal uses: first WriteMessagesSuccessful (or WriteMessagesFailed), then one reply per envelope in the
/// order written: WriteMessageSuccess, WriteMessageRejected for an AtomicWrite that did not serialize, or
/// WriteMessageFailure when the commit failed; LoopMessageSuccess for a deferred handler's envelope. Each event's
/// reply goes with the event's own sender, so the actor's persist handler sees the sender of the command.
/// </summary>
/// <remarks>
/// Sent by the <see cref="JournalWriter"/> once the write's transaction is over, one work item per transaction: a
/// persistent actor has one WriteMessages in flight at a time and each is answered whole by one work item, so these
/// arrive in order without AsyncWriteJournal's resequencer actor between the commit and the document.
/// </remarks>
public sealed class JournalWriteReplies(WriteMessages write, IReadOnlyList<Exception?>? rejections, IActorRef journal)
{
    /// <summary>How many of a WriteMessages' envelopes are AtomicWrites (the others are deferred handlers).</summary>
    public static int AtomicWrites(WriteMessages write) => write.Messages.Count(envelope => envelope is AtomicWrite);

    /// <summary>Tells the actor the outcome: <paramref name="failure"/> is null when the events are committed.</summary>
    public void Send(Exception? failure)
    {
        IActorRef actor = write.PersistentActor;
        int instance = write.ActorInstanceId;
        if (failure is null)
        {
            actor.Tell(WriteMessagesSuccessful.Instance, journal);
        }
        else
        {
            actor.Tell(new WriteMessagesFailed(failure, AtomicWrites(write)), journal);
        }

        int atomicIndex = 0;
        foreach (IPersistentEnvelope envelope in write.Messages)
        {
            if (envelope is not AtomicWrite atomic)
            {
                actor.Tell(new LoopMessageSuccess(envelope.Payload, instance), envelope.Sender);
                continue;
            }
            Exception? rejected = rejections?[atomicIndex];
            atomicIndex++;
            foreach (IPersistentRepresentation written in (IEnumerable<IPersistentRepresentation>)atomic.Payload)
            {
                object reply = failure is not null ? new WriteMessageFailure(written, failure, instance)
                    : rejected is not null ? new WriteMessageRejected(written, rejected, instance)
                    : new WriteMessageSuccess(written, instance);
                actor.Tell(reply, written.Sender);
            }
        }
    }
}
