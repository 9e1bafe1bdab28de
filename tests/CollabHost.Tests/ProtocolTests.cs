using System.Text.Json;
using CollabHost.Tests.Support;

namespace CollabHost.Tests;

/// <summary>A host with default settings, shared by the wire-protocol tests.</summary>
public sealed class DefaultHost : IAsyncLifetime
{
    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The ShareDB 1.2 wire protocol as CollabHost serves it, message by message over a bare ClientWebSocket: the
/// shapes and orders ShareDB 7's agent produces (PROTOCOL.md), which the stock client relies on.
/// </summary>
public class ProtocolTests(DefaultHost fixture) : IClassFixture<DefaultHost>
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";

    private static string NewDocId() => "p-" + Guid.NewGuid().ToString("N");

    private Task<WireClient> ConnectAsync() => WireClient.ConnectAsync(fixture.Host.WebSocketUrl);

    private static string Create(string doc, string text, long seq = 1) => JsonSerializer.Serialize(new
    {
        a = "op", c = "docs", d = doc, v = 0, seq, create = new { type = TextUnicode, data = text },
    });

    private static string Op(string doc, long version, long seq, string op) =>
        $$"""{"a":"op","c":"docs","d":"{{doc}}","v":{{version}},"seq":{{seq}},"op":{{op}}}""";

    private static void AssertNoError(JsonElement reply) =>
        Assert.False(reply.TryGetProperty("error", out _), reply.ToString());

    private static async Task AssertNothingPendingAsync(WireClient client)
    {
        // A ping is answered in order: if the next message is the pong, nothing was sent before it.
        Assert.Equal("pp", (await client.RequestAsync("""{"a":"pp"}""")).GetProperty("a").GetString());
    }

    [Fact]
    public async Task The_handshake_names_protocol_1_2_and_the_json0_default_type_and_keeps_a_previous_id()
    {
        await using WireClient client = await ConnectAsync();
        JsonElement hs = await client.RequestAsync("""{"a":"hs","id":null,"protocol":1,"protocolMinor":2}""");
        Assert.Equal(("hs", 1, 2, "http://sharejs.org/types/JSONv0"),
            (hs.GetProperty("a").GetString(), hs.GetProperty("protocol").GetInt32(), hs.GetProperty("protocolMinor").GetInt32(),
                hs.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(hs.GetProperty("id").GetString()));

        // After a reconnect the client sends its previous id: the session keeps it, and it is the src of its ops.
        string doc = NewDocId();
        await using WireClient watcher = await ConnectAsync();
        await using WireClient again = await ConnectAsync();
        JsonElement resumed = await again.RequestAsync("""{"a":"hs","id":"previous-id-42","protocol":1,"protocolMinor":2}""");
        Assert.Equal("previous-id-42", resumed.GetProperty("id").GetString());
        AssertNoError(await watcher.RequestAsync($$"""{"a":"s","c":"docs","d":"{{doc}}"}"""));
        JsonElement ack = await again.RequestAsync(Create(doc, "x"));
        Assert.Equal("previous-id-42", ack.GetProperty("src").GetString());
        Assert.Equal("previous-id-42", (await watcher.ReceiveJsonAsync()).GetProperty("src").GetString());
    }

    [Fact]
    public async Task A_submit_is_acked_to_its_author_and_pushed_with_the_op_to_other_subscribers_only()
    {
        string doc = NewDocId();
        await using WireClient alice = await ConnectAsync();
        await using WireClient bob = await ConnectAsync();
        AssertNoError(await alice.RequestAsync(Create(doc, "hello")));
        AssertNoError(await alice.RequestAsync($$"""{"a":"s","c":"docs","d":"{{doc}}"}"""));
        JsonElement subscribed = await bob.RequestAsync($$"""{"a":"s","c":"docs","d":"{{doc}}"}""");
        Assert.Equal("""{"v":1,"data":"hello","type":"http://sharejs.org/types/text-unicode"}""", subscribed.GetProperty("data").GetRawText());

        JsonElement ack = await alice.RequestAsync(Op(doc, 1, 2, """[5," world"]"""));
        Assert.Equal(("op", "docs", doc, 2L, 1L), (ack.GetProperty("a").GetString(), ack.GetProperty("c").GetString(),
            ack.GetProperty("d").GetString(), ack.GetProperty("seq").GetInt64(), ack.GetProperty("v").GetInt64()));
        Assert.False(ack.TryGetProperty("op", out _)); // an ack carries no op

        JsonElement pushed = await bob.ReceiveJsonAsync();
        Assert.Equal(1, pushed.GetProperty("v").GetInt64());
        Assert.Equal(ack.GetProperty("src").GetString(), pushed.GetProperty("src").GetString());
        Assert.Equal("""[5," world"]""", pushed.GetProperty("op").GetRawText());
        await AssertNothingPendingAsync(alice); // the author's own op is not echoed
    }

    [Fact]
    public async Task A_submitter_behind_the_document_first_receives_the_ops_it_missed_then_its_ack()
    {
        string doc = NewDocId();
        await using WireClient alice = await ConnectAsync();
        await using WireClient bob = await ConnectAsync();
        AssertNoError(await alice.RequestAsync(Create(doc, "abc")));
        AssertNoError(await alice.RequestAsync(Op(doc, 1, 2, """["X"]""")));

        // Bob saw version 1 and submits there, without a subscription.
        await bob.SendJsonAsync(Op(doc, 1, 1, """[3,"Y"]"""));
        JsonElement missed = await bob.ReceiveJsonAsync();
        Assert.Equal((1L, """["X"]"""), (missed.GetProperty("v").GetInt64(), missed.GetProperty("op").GetRawText()));
        JsonElement ack = await bob.ReceiveJsonAsync();
        Assert.Equal(2, ack.GetProperty("v").GetInt64());
        Assert.False(ack.TryGetProperty("op", out _));

        JsonElement fetched = await bob.RequestAsync($$"""{"a":"f","c":"docs","d":"{{doc}}","v":null}""");
        Assert.Equal("XabcY", fetched.GetProperty("data").GetProperty("data").GetString());
    }

    [Fact]
    public async Task Subscribing_from_a_version_sends_the_ops_since_then_the_reply_without_a_snapshot()
    {
        string doc = NewDocId();
        await using WireClient alice = await ConnectAsync();
        AssertNoError(await alice.RequestAsync(Create(doc, "")));
        for (int i = 0; i < 3; i++) AssertNoError(await alice.RequestAsync(Op(doc, 1 + i, 2 + i, $"""["{i}"]""")));

        await using WireClient late = await ConnectAsync();
        await late.SendJsonAsync($$"""{"a":"s","c":"docs","d":"{{doc}}","v":2}""");
        Assert.Equal(2, (await late.ReceiveJsonAsync()).GetProperty("v").GetInt64());
        Assert.Equal(3, (await late.ReceiveJsonAsync()).GetProperty("v").GetInt64());
        JsonElement reply = await late.ReceiveJsonAsync();
        Assert.Equal("s", reply.GetProperty("a").GetString());
        Assert.False(reply.TryGetProperty("data", out _));

        // And it is subscribed from there on.
        AssertNoError(await alice.RequestAsync(Op(doc, 4, 9, """["z"]""")));
        Assert.Equal(4, (await late.ReceiveJsonAsync()).GetProperty("v").GetInt64());
    }

    [Fact]
    public async Task A_bulk_subscribe_with_versions_sends_each_documents_missing_ops_then_echoes_b()
    {
        string first = NewDocId(), second = NewDocId();
        await using WireClient alice = await ConnectAsync();
        AssertNoError(await alice.RequestAsync(Create(first, "a")));
        AssertNoError(await alice.RequestAsync(Op(first, 1, 2, """["1"]""")));
        AssertNoError(await alice.RequestAsync(Create(second, "b", seq: 3)));

        await using WireClient client = await ConnectAsync();
        await client.SendJsonAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["a"] = "bs", ["c"] = "docs", ["b"] = new Dictionary<string, long> { [first] = 1, [second] = 1 },
        }));
        JsonElement op = await client.ReceiveJsonAsync();
        Assert.Equal((first, 1L), (op.GetProperty("d").GetString(), op.GetProperty("v").GetInt64()));
        JsonElement reply = await client.ReceiveJsonAsync();
        Assert.Equal("bs", reply.GetProperty("a").GetString());
        Assert.Equal(1, reply.GetProperty("b").GetProperty(second).GetInt64());
        Assert.Equal(1, (await fixture.Host.StatusAsync("docs", first)).Subscribers);
        Assert.Equal(1, (await fixture.Host.StatusAsync("docs", second)).Subscribers);
    }

    [Theory]
    [InlineData("bs")]
    [InlineData("bf")]
    public async Task A_bulk_request_by_versions_that_fails_for_one_document_fails_as_a_whole_naming_every_document(string action)
    {
        // ShareDB's agent fails such a request as a whole, and the stock client hands the error to every document in
        // b. Answering with a plain echo of b would tell the client it is subscribed to a document it is not.
        string fine = NewDocId(), ahead = NewDocId();
        await using WireClient alice = await ConnectAsync();
        AssertNoError(await alice.RequestAsync(Create(fine, "a")));
        AssertNoError(await alice.RequestAsync(Create(ahead, "b", seq: 2)));

        await using WireClient client = await ConnectAsync();
        JsonElement reply = await client.RequestAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["a"] = action, ["c"] = "docs", ["b"] = new Dictionary<string, long> { [fine] = 1, [ahead] = 99 },
        }));
        Assert.Equal(action, reply.GetProperty("a").GetString());
        Assert.True(reply.TryGetProperty("error", out JsonElement error), reply.ToString());
        Assert.Equal("ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT", error.GetProperty("code").GetString());
        Assert.Equal(1, reply.GetProperty("b").GetProperty(fine).GetInt64());
        Assert.Equal(99, reply.GetProperty("b").GetProperty(ahead).GetInt64());
        await AssertNothingPendingAsync(client);
        Assert.Equal(0, (await fixture.Host.StatusAsync("docs", fine)).Subscribers);
        Assert.Equal(0, (await fixture.Host.StatusAsync("docs", ahead)).Subscribers);
    }

    [Fact]
    public async Task A_bulk_fetch_by_ids_answers_with_every_snapshot_missing_ones_included()
    {
        string doc = NewDocId(), missing = NewDocId();
        await using WireClient client = await ConnectAsync();
        AssertNoError(await client.RequestAsync(Create(doc, "here")));
        JsonElement reply = await client.RequestAsync($$"""{"a":"bf","c":"docs","b":["{{doc}}","{{missing}}"]}""");
        JsonElement data = reply.GetProperty("data");
        Assert.Equal("here", data.GetProperty(doc).GetProperty("data").GetString());
        Assert.Equal(0, data.GetProperty(missing).GetProperty("v").GetInt64());
        Assert.Equal(JsonValueKind.Null, data.GetProperty(missing).GetProperty("type").ValueKind);
    }

    [Fact]
    public async Task Snapshots_at_a_version_and_at_a_time_answer_with_their_request_id()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        AssertNoError(await client.RequestAsync(Create(doc, "one")));
        long afterCreate = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(20);
        AssertNoError(await client.RequestAsync(Op(doc, 1, 2, """[3," two"]""")));

        JsonElement nf = await client.RequestAsync($$"""{"a":"nf","id":7,"c":"docs","d":"{{doc}}","v":1}""");
        Assert.Equal((7L, 1L, "one"), (nf.GetProperty("id").GetInt64(), nf.GetProperty("v").GetInt64(), nf.GetProperty("data").GetString()));
        JsonElement nt = await client.RequestAsync($$"""{"a":"nt","id":8,"c":"docs","d":"{{doc}}","ts":{{afterCreate}}}""");
        Assert.Equal((8L, 1L, "one"), (nt.GetProperty("id").GetInt64(), nt.GetProperty("v").GetInt64(), nt.GetProperty("data").GetString()));
        JsonElement latest = await client.RequestAsync($$"""{"a":"nf","id":9,"c":"docs","d":"{{doc}}","v":null}""");
        Assert.Equal((2L, "one two"), (latest.GetProperty("v").GetInt64(), latest.GetProperty("data").GetString()));
    }

    [Fact]
    public async Task After_unsubscribing_a_client_gets_no_more_ops()
    {
        string doc = NewDocId();
        await using WireClient alice = await ConnectAsync();
        await using WireClient bob = await ConnectAsync();
        AssertNoError(await alice.RequestAsync(Create(doc, "x")));
        AssertNoError(await bob.RequestAsync($$"""{"a":"s","c":"docs","d":"{{doc}}"}"""));
        Assert.Equal("u", (await bob.RequestAsync($$"""{"a":"u","c":"docs","d":"{{doc}}"}""")).GetProperty("a").GetString());
        AssertNoError(await alice.RequestAsync(Op(doc, 1, 2, """["y"]""")));
        await AssertNothingPendingAsync(bob);
        Assert.Equal(0, (await fixture.Host.StatusAsync("docs", doc)).Subscribers);
    }

    [Fact]
    public async Task A_deleted_document_fetches_as_missing_at_its_version_and_can_be_created_again()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        AssertNoError(await client.RequestAsync(Create(doc, "x")));
        AssertNoError(await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":2,"del":true}"""));
        JsonElement gone = (await client.RequestAsync($$"""{"a":"f","c":"docs","d":"{{doc}}"}""")).GetProperty("data");
        Assert.Equal((2L, JsonValueKind.Null), (gone.GetProperty("v").GetInt64(), gone.GetProperty("type").ValueKind));
        AssertNoError(await client.RequestAsync(
            JsonSerializer.Serialize(new { a = "op", c = "docs", d = doc, v = 2, seq = 3, create = new { type = TextUnicode, data = "new" } })));
        JsonElement back = (await client.RequestAsync($$"""{"a":"f","c":"docs","d":"{{doc}}"}""")).GetProperty("data");
        Assert.Equal((3L, "new"), (back.GetProperty("v").GetInt64(), back.GetProperty("data").GetString()));
    }

    [Fact]
    public async Task Deeply_nested_input_is_refused_with_an_error_and_the_connection_stays_open()
    {
        await using WireClient client = await ConnectAsync();
        string deep = """{"a":"pp","x":""" + new string('[', 5000) + new string(']', 5000) + "}";
        JsonElement reply = await client.RequestAsync(deep);
        Assert.Equal("ERR_MESSAGE_BADLY_FORMED", reply.GetProperty("error").GetProperty("code").GetString());
        await AssertNothingPendingAsync(client);
    }
}
