using System.Text.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Akka.Actor;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabText.Types;

namespace CollabActors.Connections;

/// <summary>
/// Presence both ways for one connection, with no actor in it. Out: this client's updates are throttled per cursor
/// (<see cref="PresenceThrottle"/>), remembered so they can be nulled when the connection ends, and sent through the
/// document (which moves them to its latest version) or the channel. In: other editors' updates reach this client at
/// most once per interval per editor, merged meanwhile. It also keeps which channels the client subscribed to, and
/// renews a subscription when the channel's incarnation ends. Decisions land in the effects list it is handed.
/// </summary>
internal sealed class PresenceRelay
{
    private readonly TimeSpan _interval;
    private readonly string? _authenticatedName;
    private readonly IActorRef _connection;
    private readonly PresenceThrottle _throttle;
    private readonly Dictionary<string, PreparedMessage> _held = new();
    private readonly Dictionary<string, long> _subscriptionSeq = new();
    private readonly Dictionary<(string Channel, string Id), PresenceMessage> _own = new();
    private readonly PresenceBudget _budget;
    private bool _windowOpen;

    /// <param name="connection">The connection, named in commands as the subscriber and publisher (never sent to here).</param>
    public PresenceRelay(ConnectionSettings settings, string? authenticatedName, IActorRef connection)
    {
        _interval = TimeSpan.FromSeconds(1.0 / Math.Max(1, settings.PresenceMaxPerSecond));
        _throttle = new PresenceThrottle(_interval);
        _budget = new PresenceBudget(settings);
        _authenticatedName = authenticatedName;
        _connection = connection;
    }

    /// <summary>The channels the client is subscribed to.</summary>
    public IReadOnlyCollection<string> Channels => _subscriptionSeq.Keys;

    // ---- from this client ----

    /// <summary>
    /// <c>p</c>: publish this client's presence (throttled per cursor) and echo it back, as ShareDB does. As ShareDB's
    /// agent does before anything else, a presence whose type (<c>t</c>) cannot move presence through ops (json0, or
    /// a type not known here) is refused with ERR_TYPE_DOES_NOT_SUPPORT_PRESENCE, is not relayed and changes nothing:
    /// the stock client sends <c>t</c> with every document presence, so json0 documents have no presence, there as here.
    /// </summary>
    public void Update(PresenceUpdate p, string src, long nowMs, List<ConnectionEffect> effects)
    {
        if (!string.IsNullOrEmpty(p.Type) && OtTypes.Find(p.Type) is not { TransformsPresence: true })
        {
            effects.Add(new ConnectionEffect.Reply(ErrorReply.To(p, ProtocolErrorCodes.TypeDoesNotSupportPresence,
                $"Type does not support presence: {p.Type}")));
            return;
        }
        var presence = new PresenceMessage(p.Channel, src, p.PresenceId, WithAuthenticatedName(p.Value), p.PresenceVersion,
            p.Collection, p.DocumentId, p.Version, p.Type);
        var key = (p.Channel, p.PresenceId);
        if (presence.Value is not { } value)
        {
            _own.Remove(key);
            _budget.Release(p.Channel, p.PresenceId);
        }
        else
        {
            int bytes = JsonMarshal.GetRawUtf8Value(value).Length;
            if (_budget.Refusal(p.Channel, p.PresenceId, bytes) is { } refusal)
            {
                CollabMetrics.MessageRejected(ProtocolErrorCodes.PresenceOverLimit);
                effects.Add(new ConnectionEffect.Reply(ErrorReply.To(p, ProtocolErrorCodes.PresenceOverLimit, refusal)));
                return;
            }
            _budget.Hold(p.Channel, p.PresenceId, bytes);
            _own[key] = presence;
        }

        if (_throttle.Offer(presence, nowMs, out TimeSpan flushAfter)) SendAndForgetNull(presence, effects);
        else if (flushAfter != TimeSpan.MinValue)
            effects.Add(new ConnectionEffect.StartTimer(("presence", p.Channel, p.PresenceId),
                new SessionTimers.PresenceDue(p.Channel, p.PresenceId), flushAfter));
        effects.Add(new ConnectionEffect.Reply(presence));
    }

    /// <summary>A held update of this client's is due (<see cref="SessionTimers.PresenceDue"/>).</summary>
    public void Due(SessionTimers.PresenceDue due, long nowMs, List<ConnectionEffect> effects)
    {
        if (_throttle.TakeDue(due.Channel, due.PresenceId, nowMs) is { } held) SendAndForgetNull(held, effects);
    }

    private void SendAndForgetNull(PresenceMessage presence, List<ConnectionEffect> effects)
    {
        SendPresence(presence, effects);
        if (presence.Value is null) _throttle.Forget(presence.Channel, presence.PresenceId);
    }

    /// <summary><c>ps</c>: a repeated or older subscribe is answered but not sent on; a new one also asks everyone's presence.</summary>
    public void Subscribe(PresenceSubscribeRequest ps, string src, List<ConnectionEffect> effects)
    {
        if (_subscriptionSeq.TryGetValue(ps.Channel, out long seenSeq) && ps.Seq < seenSeq) return;
        bool fresh = _subscriptionSeq.TryAdd(ps.Channel, ps.Seq);
        _subscriptionSeq[ps.Channel] = ps.Seq;
        if (fresh)
        {
            effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Subscribe(ps.Channel, _connection, src)));
            effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Request(ps.Channel, _connection, src)));
        }
        effects.Add(new ConnectionEffect.Reply(new PresenceSubscriptionReply(MessageActions.PresenceSubscribe, ps.Channel, ps.Seq)));
    }

    /// <summary><c>pu</c>.</summary>
    public void Unsubscribe(PresenceUnsubscribeRequest pu, List<ConnectionEffect> effects)
    {
        if (_subscriptionSeq.Remove(pu.Channel))
        {
            effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Unsubscribe(pu.Channel, _connection)));
            effects.Add(new ConnectionEffect.UnwatchChannel(pu.Channel));
        }
        effects.Add(new ConnectionEffect.Reply(new PresenceSubscriptionReply(MessageActions.PresenceUnsubscribe, pu.Channel, pu.Seq)));
    }

    /// <summary><c>pr</c>: ask everyone on the channel for their presence.</summary>
    public void Request(PresenceRequest pr, string src, List<ConnectionEffect> effects)
    {
        effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Request(pr.Channel, _connection, src)));
        effects.Add(new ConnectionEffect.Reply(new PresenceRequestMessage(null)));
    }

    // ---- from channels, to this client ----

    /// <summary>
    /// Other editors' presence reaches this client at most once per interval per editor: the first update after a
    /// quiet spell goes at once and opens a window; updates during the window are merged per editor (latest wins)
    /// and go together, in one write, when it ends.
    /// </summary>
    public void Published(PresenceReplies.Published published, List<ConnectionEffect> effects)
    {
        string key = Key(published.Frame.Message)!;
        if (!_windowOpen)
        {
            effects.Add(new ConnectionEffect.Push(published.Frame, key));
            OpenWindow(effects);
            return;
        }
        _held[key] = published.Frame;
    }

    /// <summary>The merge window ended: what was held goes out together, and a new window opens if anything did.</summary>
    public void WindowEnded(List<ConnectionEffect> effects)
    {
        _windowOpen = false;
        if (_held.Count == 0) return;
        foreach ((string key, PreparedMessage frame) in _held) effects.Add(new ConnectionEffect.Push(frame, key));
        _held.Clear();
        OpenWindow(effects);
    }

    /// <summary>Someone joined the channel and asks for everyone's presence: the client is asked to send its own.</summary>
    public static void Requested(PresenceReplies.Requested requested, List<ConnectionEffect> effects) =>
        effects.Add(new ConnectionEffect.Reply(new PresenceRequestMessage(requested.Channel)));

    /// <summary>
    /// A channel took the subscription: watch the incarnation that answered. A channel lives on one node; if the node
    /// crashes, or leaves and hands the channel's shard to another, its next incarnation starts with no subscribers,
    /// and without this the client would see no cursor on the channel again until it reconnected.
    /// </summary>
    public void Subscribed(PresenceReplies.Subscribed subscribed, List<ConnectionEffect> effects)
    {
        if (_subscriptionSeq.ContainsKey(subscribed.Channel)) effects.Add(new ConnectionEffect.WatchChannelSender(subscribed.Channel));
    }

    /// <summary>
    /// A watched channel incarnation ended. If the client is still subscribed, the subscription is renewed with the
    /// next incarnation, and everyone's presence requested again (as on a first subscribe), so the cursors come back.
    /// </summary>
    public void ChannelEnded(string channel, string src, List<ConnectionEffect> effects)
    {
        if (!_subscriptionSeq.ContainsKey(channel)) return;
        effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Subscribe(channel, _connection, src)));
        effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Request(channel, _connection, src)));
    }

    /// <summary>
    /// The connection ends. As ShareDB does when a presence stream ends: the others see this client's cursors go.
    /// Document presence goes through its document, which stamps the latest version: a null at the version the cursor
    /// was made at is stale to a client whose document has moved on, and the stock client holds stale presence back.
    /// </summary>
    public void Stop(List<ConnectionEffect> effects)
    {
        foreach (PresenceMessage presence in _own.Values)
            SendPresence(presence with { Value = null, PresenceVersion = presence.PresenceVersion + 1 }, effects);
        foreach (string channel in _subscriptionSeq.Keys)
            effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Unsubscribe(channel, _connection)));
    }

    private void OpenWindow(List<ConnectionEffect> effects)
    {
        _windowOpen = true;
        effects.Add(new ConnectionEffect.StartTimer(WindowTimer, SessionTimers.PresenceWindowEnded.Instance, _interval));
    }

    private const string WindowTimer = "presence-window";

    /// <summary>
    /// With authentication on, an object presence value carries the token's display name as <c>name</c>, whatever
    /// name the client put there: other editors see who is really typing.
    /// </summary>
    private JsonElement? WithAuthenticatedName(JsonElement? value)
    {
        if (_authenticatedName is not { } name || value is not { ValueKind: JsonValueKind.Object } element) return value;
        JsonObject stamped = JsonObject.Create(element)!;
        stamped["name"] = name;
        return JsonSerializer.SerializeToElement(stamped);
    }

    private void SendPresence(PresenceMessage presence, List<ConnectionEffect> effects)
    {
        if (presence.Collection is not null && presence.DocumentId is not null)
            effects.Add(new ConnectionEffect.ToDocument(new DocumentCommands.PublishPresence(
                new DocumentId(presence.Collection, presence.DocumentId), _connection, presence)));
        else
            effects.Add(new ConnectionEffect.ToPresence(new PresenceCommands.Publish(presence.Channel, _connection, presence)));
    }

    /// <summary>One editor's presence on one channel: a newer update replaces an unsent older one.</summary>
    private static string? Key(ServerMessage message) =>
        message is PresenceMessage p ? p.Channel + "\n" + p.Src + "\n" + p.PresenceId : null;
}
