using System.Text.Json;
using Akka.Actor;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Connections;

/// <summary>Presence both ways with no actor: throttling out, merging in, renewal when a channel ends, nulls at the end.</summary>
public class PresenceRelayTests
{
    private static readonly ConnectionSettings Settings = new() { PresenceMaxPerSecond = 10 }; // 100 ms

    private readonly List<ConnectionEffect> _effects = new();

    private static JsonElement Cursor(int index) => JsonDocument.Parse($$"""{"index":{{index}}}""").RootElement;

    private static PresenceUpdate Update(string id, JsonElement? value, long pv) =>
        new("docs.d1", id, value, pv, "docs", "d1", 0, TextUnicodeType.Uri);

    private static PresenceReplies.Published FromOther(string src, int index) =>
        new("room", src, new PreparedMessage(new PresenceMessage("room", src, "cursor", Cursor(index), 1, null, null, null, null)));

    private List<ConnectionEffect> Take()
    {
        var taken = _effects.ToList();
        _effects.Clear();
        return taken;
    }

    private static IEnumerable<PresenceMessage> Published(IEnumerable<ConnectionEffect> effects) =>
        effects.OfType<ConnectionEffect.ToDocument>().Select(d => ((DocumentCommands.PublishPresence)d.Command).Presence);

    [Fact]
    public void Updates_inside_the_interval_are_held_and_the_latest_goes_when_due()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Update(Update("cursor", Cursor(1), 1), "me", 0, _effects);
        Assert.Single(Published(Take()));

        relay.Update(Update("cursor", Cursor(2), 2), "me", 10, _effects);
        List<ConnectionEffect> held = Take();
        Assert.Empty(Published(held));
        var timer = Assert.Single(held.OfType<ConnectionEffect.StartTimer>());
        Assert.Equal(TimeSpan.FromMilliseconds(90), timer.Delay);
        Assert.Single(held.OfType<ConnectionEffect.Reply>()); // the client's own update is echoed at once
        relay.Update(Update("cursor", Cursor(3), 3), "me", 20, _effects);
        Assert.Empty(Take().OfType<ConnectionEffect.StartTimer>()); // already due

        relay.Due((SessionTimers.PresenceDue)timer.Message, 100, _effects);

        Assert.Equal(3, Assert.Single(Published(Take())).PresenceVersion);
    }

    [Theory]
    [InlineData("http://sharejs.org/types/JSONv0")]
    [InlineData("json0")]
    [InlineData("http://example.com/types/unknown")]
    public void Presence_of_a_type_without_transformPresence_is_refused_as_ShareDB_refuses_it_and_nothing_is_sent(string type)
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Update(new PresenceUpdate("docs.d1", "cursor", Cursor(1), 4, "docs", "d1", 0, type), "me", 0, _effects);

        var reply = (ErrorReply)Assert.Single(Take().OfType<ConnectionEffect.Reply>()).Message;
        Assert.Equal(ProtocolErrorCodes.TypeDoesNotSupportPresence, reply.Error.Code);
        Assert.Equal($"Type does not support presence: {type}", reply.Error.Message);
        // The client matches the reply to its submit by channel, presence id and presence version.
        Assert.Equal(("docs.d1", "cursor", 4L), (reply.Request.Channel, reply.Request.Id, reply.Request.PresenceVersion));
        Assert.Empty(_effects);

        // Nothing was remembered either: the connection's end sends no null for it.
        relay.Stop(_effects);
        Assert.Empty(Published(Take()));
    }

    [Theory]
    [InlineData("http://sharejs.org/types/rich-text/v1")]
    [InlineData("http://sharejs.org/types/text-unicode")]
    [InlineData(null)]
    public void Presence_of_a_type_that_moves_presence_or_of_no_type_is_relayed(string? type)
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Update(new PresenceUpdate("docs.d1", "cursor", Cursor(1), 4, "docs", "d1", 0, type), "me", 0, _effects);
        List<ConnectionEffect> effects = Take();
        Assert.Single(Published(effects));
        Assert.IsType<PresenceMessage>(Assert.Single(effects.OfType<ConnectionEffect.Reply>()).Message);
    }

    [Fact]
    public void Document_presence_goes_through_its_document_and_channel_presence_to_the_channel()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Update(Update("cursor", Cursor(1), 1), "me", 0, _effects);
        relay.Update(new PresenceUpdate("room", "cursor", Cursor(1), 1, null, null, null, null), "me", 0, _effects);

        List<ConnectionEffect> sent = Take();
        Assert.Equal(new DocumentId("docs", "d1"), sent.OfType<ConnectionEffect.ToDocument>()
            .Select(d => ((DocumentCommands.PublishPresence)d.Command).Document).Single());
        Assert.Equal("room", ((PresenceCommands.Publish)Assert.Single(sent.OfType<ConnectionEffect.ToPresence>()).Command).Channel);
    }

    [Fact]
    public void With_authentication_the_value_carries_the_tokens_name()
    {
        var relay = new PresenceRelay(Settings, "Alice", ActorRefs.Nobody);
        relay.Update(Update("cursor", JsonDocument.Parse("""{"index":1,"name":"Mallory"}""").RootElement, 1), "me", 0, _effects);

        Assert.Equal("Alice", Assert.Single(Published(Take())).Value!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public void Others_presence_inside_a_window_is_merged_per_editor_and_goes_together_when_it_ends()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Published(FromOther("bob", 1), _effects);
        List<ConnectionEffect> first = Take();
        Assert.Single(first.OfType<ConnectionEffect.Push>()); // the first after a quiet spell goes at once
        Assert.Single(first.OfType<ConnectionEffect.StartTimer>());

        relay.Published(FromOther("bob", 2), _effects);
        relay.Published(FromOther("carol", 1), _effects);
        relay.Published(FromOther("bob", 3), _effects);
        Assert.Empty(Take());

        relay.WindowEnded(_effects);
        List<ConnectionEffect> flushed = Take();
        var pushed = flushed.OfType<ConnectionEffect.Push>().Select(p => (PresenceMessage)p.Frame.Message).ToList();
        Assert.Equal([("bob", 3), ("carol", 1)], pushed.Select(p => (p.Src, p.Value!.Value.GetProperty("index").GetInt32())));
        Assert.Single(flushed.OfType<ConnectionEffect.StartTimer>()); // and a new window opens

        relay.WindowEnded(_effects);
        Assert.Empty(Take()); // nothing held: the window closes
        relay.Published(FromOther("bob", 4), _effects);
        Assert.Single(Take().OfType<ConnectionEffect.Push>());
    }

    [Fact]
    public void A_repeated_subscribe_is_answered_without_subscribing_again_and_an_older_one_is_ignored()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Subscribe(new PresenceSubscribeRequest("room", 2), "me", _effects);
        Assert.Equal(2, Take().OfType<ConnectionEffect.ToPresence>().Count()); // subscribe, and ask for everyone's presence

        relay.Subscribe(new PresenceSubscribeRequest("room", 3), "me", _effects);
        Assert.IsType<ConnectionEffect.Reply>(Assert.Single(Take()));
        relay.Subscribe(new PresenceSubscribeRequest("room", 1), "me", _effects);
        Assert.Empty(Take());
    }

    [Fact]
    public void When_a_channel_ends_under_a_subscribed_client_it_subscribes_again_and_asks_for_everyones_presence()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Subscribe(new PresenceSubscribeRequest("room", 1), "me", _effects);
        relay.Subscribed(new PresenceReplies.Subscribed("room"), _effects);
        Assert.Contains(new ConnectionEffect.WatchChannelSender("room"), Take());

        relay.ChannelEnded("room", "me", _effects);

        List<IWithPresenceChannel> renewed = Take().OfType<ConnectionEffect.ToPresence>().Select(p => p.Command).ToList();
        Assert.Equal(("room", "me"), renewed.OfType<PresenceCommands.Subscribe>().Select(s => (s.Channel, s.Src)).Single());
        Assert.Equal("room", renewed.OfType<PresenceCommands.Request>().Single().Channel);
    }

    [Fact]
    public void When_a_channel_ends_after_the_client_unsubscribed_nothing_is_renewed()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Subscribe(new PresenceSubscribeRequest("room", 1), "me", _effects);
        relay.Unsubscribe(new PresenceUnsubscribeRequest("room", 2), _effects);
        Assert.Contains(new ConnectionEffect.UnwatchChannel("room"), Take());

        relay.ChannelEnded("room", "me", _effects);
        relay.Subscribed(new PresenceReplies.Subscribed("room"), _effects); // a late answer to the first subscribe

        Assert.Empty(Take());
    }

    [Fact]
    public void At_the_end_the_others_see_this_clients_cursors_go_at_a_newer_presence_version()
    {
        var relay = new PresenceRelay(Settings, null, ActorRefs.Nobody);
        relay.Subscribe(new PresenceSubscribeRequest("docs.d1", 1), "me", _effects);
        relay.Update(Update("cursor", Cursor(1), 4), "me", 0, _effects);
        relay.Update(Update("gone-already", Cursor(1), 1), "me", 0, _effects);
        relay.Update(Update("gone-already", null, 2), "me", 0, _effects);
        Take();

        relay.Stop(_effects);

        List<ConnectionEffect> stop = Take();
        var nulled = Assert.Single(Published(stop));
        Assert.Equal(("cursor", (JsonElement?)null, 5L), (nulled.PresenceId, nulled.Value, nulled.PresenceVersion));
        Assert.IsType<PresenceCommands.Unsubscribe>(Assert.Single(stop.OfType<ConnectionEffect.ToPresence>()).Command);
    }
}
