using Akka.Actor;
using CollabActors.Documents;

namespace CollabActors.Connections;

/// <summary>Timer messages a session asks for (<see cref="ConnectionEffect.StartTimer"/>) and is handed back when they fire.</summary>
internal static class SessionTimers
{
    /// <summary>Check the oldest unanswered document request against <see cref="ConnectionSettings.DocumentReplyTimeout"/>.</summary>
    public sealed record RepliesDue : INoSerializationVerificationNeeded
    {
        public static readonly RepliesDue Instance = new();
    }

    /// <summary>Has the subscription renewal <see cref="RequestId"/> been answered? If not, send it again.</summary>
    public sealed record ResubscribeCheck(DocumentId Document, long RequestId, int Attempt) : INoSerializationVerificationNeeded;

    /// <summary>Send the undelivered request <see cref="RequestId"/> again if it is still unanswered.</summary>
    public sealed record RetryDue(long RequestId) : INoSerializationVerificationNeeded;

    /// <summary>A presence update this client sent inside its throttle interval may go now.</summary>
    public sealed record PresenceDue(string Channel, string PresenceId) : INoSerializationVerificationNeeded;

    /// <summary>The window in which other editors' presence to this client is merged has ended.</summary>
    public sealed record PresenceWindowEnded : INoSerializationVerificationNeeded
    {
        public static readonly PresenceWindowEnded Instance = new();
    }
}
