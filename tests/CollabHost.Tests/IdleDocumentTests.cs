using System.Text.Json;
using CollabHost.Tests.Support;

namespace CollabHost.Tests;

/// <summary>Documents and presence channels that nobody touches for a while keep their subscribers.</summary>
public class IdleDocumentTests
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";

    [Fact]
    public async Task A_document_and_its_presence_channel_keep_their_subscribers_through_a_quiet_spell()
    {
        // Documents without subscribers are stopped after 1 s here; one with subscribers must never be.
        await using RunningHost host = await RunningHost.StartAsync("--Collab:Documents:PassivateIdleAfter=00:00:01");
        string doc = "quiet-" + Guid.NewGuid().ToString("N");
        string channel = "docs." + doc;
        await using WireClient alice = await WireClient.ConnectAsync(host.WebSocketUrl);
        await using WireClient bob = await WireClient.ConnectAsync(host.WebSocketUrl);
        await alice.RequestAsync(JsonSerializer.Serialize(new
        {
            a = "op", c = "docs", d = doc, v = 0, seq = 1, create = new { type = TextUnicode, data = "hello" },
        }));
        Assert.Equal("s", (await bob.RequestAsync($$"""{"a":"s","c":"docs","d":"{{doc}}"}""")).GetProperty("a").GetString());
        Assert.Equal("ps", (await bob.RequestAsync($$"""{"a":"ps","ch":"{{channel}}","seq":1}""")).GetProperty("a").GetString());

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, (await host.StatusAsync("docs", doc)).Subscribers);
        Assert.Equal(1, await host.PresenceSubscribersAsync(channel));

        await alice.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":2,"op":[5,"!"]}""");
        JsonElement pushed = await bob.ReceiveJsonAsync();
        Assert.Equal(("op", 1L), (pushed.GetProperty("a").GetString(), pushed.GetProperty("v").GetInt64()));
        await alice.SendJsonAsync(
            $$"""{"a":"p","ch":"{{channel}}","id":"cursor","p":{"index":1},"pv":1,"c":"docs","d":"{{doc}}","v":2,"t":"{{TextUnicode}}"}""");
        JsonElement presence = await bob.ReceiveJsonAsync();
        Assert.Equal(("p", "cursor"), (presence.GetProperty("a").GetString(), presence.GetProperty("id").GetString()));
    }
}
