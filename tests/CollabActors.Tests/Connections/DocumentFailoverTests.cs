using System.Net.WebSockets;
using Akka.Actor;
using Akka.TestKit;
using CollabActors.Connections;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabActors.Tests.Support;
using CollabText;
using Xunit.Abstractions;

namespace CollabActors.Tests.Connections;

/// <summary>
/// A connection whose document is lost with its node: with nothing outstanding it renews the subscription itself; with
/// a request outstanding (the incarnation ended, or nothing answered in time) it asks its client to reconnect with
/// 1012, so the client resubscribes and resends its op to the document's next incarnation. Over real loopback sockets; test probes stand for the document region and the document itself.
/// </summary>
public class DocumentFailoverTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DocumentId Doc = new("docs", "d1");
    private const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;
    private readonly TestProbe _documents;
    private readonly TestProbe _presence;

    public DocumentFailoverTests(ITestOutputHelper output) : base(ActorTestConfig.Create("akka.loglevel = WARNING"), output: output)
    {
        _documents = CreateTestProbe("documents");
        _presence = CreateTestProbe("presence");
    }

    private async Task<(LoopbackConnection Connection, TestProbe Document)> SubscribedAsync(ConnectionSettings settings)
    {
        LoopbackConnection connection = await LoopbackConnection.StartAsync(Sys, settings, _documents.Ref, _presence.Ref, false);
        await connection.ReceiveJsonAsync(); // init
        await connection.SendJsonAsync("""{"a":"s","c":"docs","d":"d1"}""");
        var subscribe = await _documents.ExpectMsgAsync<DocumentCommands.Subscribe>();
        // The document incarnation answers from its own actor, as a DocumentActor does.
        var document = CreateTestProbe("document-incarnation");
        subscribe.ReplyTo.Tell(new DocumentReplies.Fetched(Doc, subscribe.RequestId,
            new WireSnapshot(1, TextUnicodeType.Uri, "abc"), Array.Empty<CommittedOp>()), document.Ref);
        Assert.Equal("s", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
        return (connection, document);
    }

    private static async Task AssertClosedWithServiceRestartAsync(LoopbackConnection connection, TimeSpan within)
    {
        (_, WebSocketMessageType type) = await connection.ReceiveAsync(within);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(ServiceRestart, connection.Client.CloseStatus);
    }

    [Fact]
    public async Task The_end_of_the_subscribed_document_incarnation_renews_the_subscription_from_the_clients_version()
    {
        var (connection, document) = await SubscribedAsync(new ConnectionSettings());
        await using (connection)
        {
            Sys.Stop(document.Ref); // its node crashed: no SubscriptionLost came

            var renewal = await _documents.ExpectMsgAsync<DocumentCommands.Subscribe>(TimeSpan.FromSeconds(5));
            Assert.Equal(1, renewal.FromVersion);
            await connection.SendJsonAsync("""{"a":"pp"}""");
            Assert.Equal("pp", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
        }
    }

    [Fact]
    public async Task The_end_of_the_document_incarnation_with_an_op_unanswered_asks_the_client_to_reconnect_with_1012()
    {
        var (connection, document) = await SubscribedAsync(new ConnectionSettings());
        await using (connection)
        {
            await connection.SendJsonAsync("""{"a":"op","c":"docs","d":"d1","v":1,"seq":1,"op":["x"]}""");
            await _documents.ExpectMsgAsync<DocumentCommands.Submit>(); // reached the incarnation, which then died
            Sys.Stop(document.Ref);

            await AssertClosedWithServiceRestartAsync(connection, TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task The_end_of_a_document_it_no_longer_needs_leaves_the_connection_open()
    {
        var (connection, document) = await SubscribedAsync(new ConnectionSettings());
        await using (connection)
        {
            await connection.SendJsonAsync("""{"a":"u","c":"docs","d":"d1"}""");
            Assert.Equal("u", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
            Sys.Stop(document.Ref); // passivated once nobody needs it

            await connection.SendJsonAsync("""{"a":"pp"}""");
            Assert.Equal("pp", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
        }
    }

    [Fact]
    public async Task An_op_left_unanswered_past_the_reply_timeout_asks_the_client_to_reconnect_with_1012()
    {
        var settings = new ConnectionSettings { DocumentReplyTimeout = TimeSpan.FromMilliseconds(700) };
        var (connection, _) = await SubscribedAsync(settings);
        await using (connection)
        {
            await connection.SendJsonAsync("""{"a":"op","c":"docs","d":"d1","v":1,"seq":1,"op":["x"]}""");
            await _documents.ExpectMsgAsync<DocumentCommands.Submit>(); // and lost: no answer

            await AssertClosedWithServiceRestartAsync(connection, TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Answered_requests_never_trip_the_reply_timeout()
    {
        var settings = new ConnectionSettings { DocumentReplyTimeout = TimeSpan.FromMilliseconds(500) };
        var (connection, document) = await SubscribedAsync(settings);
        await using (connection)
        {
            for (int seq = 1; seq <= 4; seq++)
            {
                await connection.SendJsonAsync($$"""{"a":"op","c":"docs","d":"d1","v":{{seq}},"seq":{{seq}},"op":["x"]}""");
                var submit = await _documents.ExpectMsgAsync<DocumentCommands.Submit>();
                submit.ReplyTo.Tell(new DocumentReplies.Acknowledged(Doc, submit.RequestId, submit.Src, submit.Seq, seq, []), document.Ref);
                Assert.Equal("op", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
                await Task.Delay(300);
            }
            await Task.Delay(800);
            await connection.SendJsonAsync("""{"a":"pp"}""");
            Assert.Equal("pp", (await connection.ReceiveJsonAsync()).GetProperty("a").GetString());
        }
    }
}
