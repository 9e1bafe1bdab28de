using Akka.Actor;
using Akka.Actor.Scheduler;
using Akka.Dispatch;

namespace CollabActors.Scheduling;

/// <summary>
/// A scheduled Tell. To an actor of this node the message goes wrapped as Akka's own scheduler wraps it (its marker
/// <see cref="IScheduledTellMsg"/>, which Akka's telemetry recognises); the actor cell unwraps it before the actor
/// sees it, and the wrapper keeps the message's <see cref="INotInfluenceReceiveTimeout"/> if it has one.
/// </summary>
internal sealed class ScheduledTell : IRunnable
{
    private readonly ICanTell _receiver;
    private readonly object _message;
    private readonly IActorRef _sender;

    public ScheduledTell(ICanTell receiver, object message, IActorRef sender)
    {
        _receiver = receiver;
        _message = receiver is not ActorRefWithCell
            ? message
            : message is INotInfluenceReceiveTimeout ? new WrappedNotInfluencingReceiveTimeout(message) : new Wrapped(message);
        _sender = sender;
    }

    public void Run() => _receiver.Tell(_message, _sender);

    public void Execute() => Run();

    public override string ToString() => $"Tell({_message}) to {_receiver}";

    private sealed record Wrapped(object Message) : IScheduledTellMsg;

    private sealed record WrappedNotInfluencingReceiveTimeout(object Message) : IScheduledTellMsg, INotInfluenceReceiveTimeout;
}
