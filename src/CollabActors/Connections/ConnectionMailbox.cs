using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace CollabActors.Connections;

/// <summary>
/// The connection actors' mailbox: an unbounded queue that holds no array while it is empty. Akka's default mailbox
/// queue (a <see cref="System.Collections.Concurrent.ConcurrentQueue{T}"/>) allocates a 32-slot segment up front,
/// about 1 KiB per actor; a node holds one connection actor per socket and most of them are idle, so that was about
/// a twentieth of an idle connection's memory (docs/benchmarks.md, "What an idle connection holds").
/// </summary>
/// <remarks>
/// A lock instead of a lock-free queue: a connection's mailbox has few writers at a time (its receive loop, the
/// documents and channels it talks to, its timers), the lock is held for an enqueue or a dequeue only, and the queue
/// is emptied and its array dropped once it has grown large, so a burst does not stay in memory either.
/// </remarks>
public sealed class ConnectionMailbox : MailboxType, IProducesMessageQueue<ConnectionMailbox.Queue>
{
    /// <summary>Where config/akka.hocon declares it; <see cref="ConnectionActor.Props(System.Net.WebSockets.WebSocket, HeartbeatStream, string, ConnectionSettings, IActorRef, IActorRef, ConnectionLifetime)"/> asks for it.</summary>
    public const string ConfigPath = "collab-connection-mailbox";

    public ConnectionMailbox(Settings settings, Config config) : base(settings, config)
    {
    }

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    /// <summary>The queue itself: <see cref="Queue{T}"/> under a lock, empty until the first message.</summary>
    public sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        /// <summary>A queue that has grown past this many slots gives its array back when it empties.</summary>
        private const int KeptCapacity = 64;

        private readonly Queue<Envelope> _envelopes = new();
        private volatile int _count;

        public bool HasMessages => _count > 0;

        public int Count => _count;

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_envelopes)
            {
                _envelopes.Enqueue(envelope);
                _count = _envelopes.Count;
            }
        }

        public bool TryDequeue(out Envelope envelope)
        {
            lock (_envelopes)
            {
                if (!_envelopes.TryDequeue(out envelope)) return false;
                _count = _envelopes.Count;
                if (_count == 0 && _envelopes.EnsureCapacity(0) > KeptCapacity) _envelopes.TrimExcess();
                return true;
            }
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out Envelope envelope)) deadletters.Enqueue(owner, envelope);
        }
    }
}
