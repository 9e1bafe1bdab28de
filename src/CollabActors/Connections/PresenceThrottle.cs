using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>
/// Bounds how often one editor's presence leaves its connection: at most one update per interval per presence
/// (channel and id). An update inside the interval waits; a newer one replaces it (latest wins); the waiting one goes
/// out when the interval has passed, so the last value always arrives.
/// </summary>
internal sealed class PresenceThrottle(TimeSpan interval)
{
    private readonly Dictionary<(string Channel, string Id), Slot> _slots = new();

    /// <summary>
    /// Offers an update at <paramref name="nowTicks"/> (ms). Returns true when it may go now; otherwise it is held and
    /// <paramref name="flushAfter"/> says when to call <see cref="TakeDue"/>.
    /// </summary>
    public bool Offer(PresenceMessage presence, long nowTicks, out TimeSpan flushAfter)
    {
        var key = (presence.Channel, presence.PresenceId);
        flushAfter = TimeSpan.Zero;
        if (!_slots.TryGetValue(key, out Slot? slot))
        {
            _slots[key] = new Slot { LastSentTicks = nowTicks };
            return true;
        }
        long dueAt = slot.LastSentTicks + (long)interval.TotalMilliseconds;
        if (slot.Held is null && nowTicks >= dueAt)
        {
            slot.LastSentTicks = nowTicks;
            return true;
        }
        bool alreadyScheduled = slot.Held is not null;
        slot.Held = presence;
        flushAfter = alreadyScheduled ? TimeSpan.MinValue : TimeSpan.FromMilliseconds(Math.Max(0, dueAt - nowTicks));
        return false;
    }

    /// <summary>The held update for a presence, now due; null if there is none.</summary>
    public PresenceMessage? TakeDue(string channel, string id, long nowTicks)
    {
        if (!_slots.TryGetValue((channel, id), out Slot? slot) || slot.Held is not { } held) return null;
        slot.Held = null;
        slot.LastSentTicks = nowTicks;
        return held;
    }

    /// <summary>
    /// Forgets a presence whose null went out: its slot would otherwise stay for the connection's life, and a client
    /// cycling through fresh ids would grow the table without bound.
    /// </summary>
    public void Forget(string channel, string id)
    {
        if (_slots.TryGetValue((channel, id), out Slot? slot) && slot.Held is null) _slots.Remove((channel, id));
    }

    private sealed class Slot
    {
        public long LastSentTicks { get; set; }
        public PresenceMessage? Held { get; set; }
    }
}
