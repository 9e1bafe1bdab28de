using System.Text.Json.Nodes;
using Akka.Actor;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.Connections;

public class ResubscriptionTests
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";

    [Fact]
    public async Task A_subscriber_keeps_receiving_ops_after_its_document_stops_and_starts_again()
    {
        string id = "moving-" + Guid.NewGuid().ToString("N");
        await using RunningHost host = await RunningHost.StartAsync();
        await using RawShareDbClient writer = await RawShareDbClient.ConnectAsync(host.WebSocketUrl);
        await using RawShareDbClient reader = await RawShareDbClient.ConnectAsync(host.WebSocketUrl);
        await writer.SendAsync(new JsonObject { ["a"] = "op", ["c"] = "docs", ["d"] = id, ["v"] = 0, ["seq"] = 1,
            ["create"] = new JsonObject { ["type"] = TextUnicode, ["data"] = "abc" } });
        await writer.ReceiveAsync(m => (string?)m["a"] == "op" && (long?)m["seq"] == 1);
        await reader.SendAsync(new JsonObject { ["a"] = "s", ["c"] = "docs", ["d"] = id });
        await reader.ReceiveAsync(m => (string?)m["a"] == "s");

        // Stop the document actor under its subscriber, as a hand-off to another node or a restart does.
        Inbox inbox = Inbox.Create(host.System);
        host.System.ActorSelection($"/system/sharding/document/*/*{id}*").Tell(new Identify(null), inbox.Receiver);
        IActorRef entity = ((ActorIdentity)await inbox.ReceiveAsync(TimeSpan.FromSeconds(10))).Subject!;
        inbox.Watch(entity);
        entity.Tell(PoisonPill.Instance);
        Assert.IsType<Terminated>(await inbox.ReceiveAsync(TimeSpan.FromSeconds(10)));

        // The reader's connection subscribes again by itself (the new incarnation starts with no subscribers).
        // A status request that reaches the stopped incarnation before its shard has noticed is lost: ask again.
        for (int attempt = 0; attempt < 60; attempt++)
        {
            try
            {
                if ((await host.StatusAsync("docs", id, TimeSpan.FromSeconds(3))).Subscribers > 0) break;
            }
            catch (AskTimeoutException)
            {
            }
            await Task.Delay(100);
        }

        JsonObject ack = await writer.SubmitAsync("docs", id, 1, writer.ClientId, 2, new JsonArray(3, "!"));
        Assert.Equal(1, (long?)ack["v"]);
        JsonObject pushed = await reader.ReceiveAsync(m => (string?)m["a"] == "op" && m["op"] is not null);
        Assert.Equal(1, (long?)pushed["v"]);
        Assert.Equal("""[3,"!"]""", pushed["op"]!.ToJsonString());
    }
}
