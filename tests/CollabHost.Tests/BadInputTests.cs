using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using CollabHost.Tests.Support;
using MessagePack;

namespace CollabHost.Tests;

/// <summary>One host for the bad-input tests, with small document and subscription limits.</summary>
public sealed class SmallLimitsHost : IAsyncLifetime
{
    public const int MaxDocumentUtf16Length = 100;
    public const int MaxSubscriptions = 3;

    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(
        $"--Collab:Documents:MaxDocumentUtf16Length={MaxDocumentUtf16Length}",
        $"--Collab:Connections:MaxSubscriptions={MaxSubscriptions}",
        // The frame tests below are written for a 1 MiB frame limit (the default holds a whole document).
        "--Collab:Connections:MaxFrameBytes=1048576");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Bad input from a .NET ClientWebSocket: each gets a clear error reply or close code, the document stays as it was,
/// and the server goes on serving other connections.
/// </summary>
public class BadInputTests(SmallLimitsHost fixture) : IClassFixture<SmallLimitsHost>
{
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";
    private const int MaxFrameBytes = 1024 * 1024;

    private RunningHost Host => fixture.Host;

    private static string NewDocId() => "d-" + Guid.NewGuid().ToString("N");

    private async Task<WireClient> ConnectAsync() => await WireClient.ConnectAsync(Host.WebSocketUrl);

    private static string CreateMessage(string doc, long version, long seq, string type, string data) =>
        JsonSerializer.Serialize(new
        {
            a = "op", c = "docs", d = doc, v = version, seq, create = new { type, data },
        });

    private static async Task CreateAsync(WireClient client, string doc, string text, int seq = 1)
    {
        JsonElement ack = await client.RequestAsync(CreateMessage(doc, 0, seq, TextUnicode, text));
        Assert.False(ack.TryGetProperty("error", out _), ack.ToString());
        Assert.Equal(0, ack.GetProperty("v").GetInt64());
    }

    private static void AssertError(JsonElement reply, string code)
    {
        Assert.True(reply.TryGetProperty("error", out JsonElement error), $"expected an error reply, got {reply}");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    /// <summary>A fresh connection fetches the document and finds it exactly as expected: the server still serves.</summary>
    private async Task AssertDocumentOnAnotherConnectionAsync(string doc, long version, string? text)
    {
        await using WireClient other = await ConnectAsync();
        JsonElement fetched = await other.RequestAsync($$"""{"a":"f","c":"docs","d":"{{doc}}","v":null}""");
        JsonElement data = fetched.GetProperty("data");
        Assert.Equal(version, data.GetProperty("v").GetInt64());
        if (text is null) Assert.Equal(JsonValueKind.Null, data.GetProperty("type").ValueKind);
        else Assert.Equal(text, data.GetProperty("data").GetString());
    }

    /// <summary>The connection that sent the bad input is still open and answers a ping.</summary>
    private static async Task AssertStillAnsweringAsync(WireClient client)
    {
        JsonElement pong = await client.RequestAsync("""{"a":"pp"}""");
        Assert.Equal("pp", pong.GetProperty("a").GetString());
    }

    [Fact]
    public async Task A_message_of_exactly_the_frame_limit_is_read_and_one_byte_more_closes_with_1009()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        await CreateAsync(client, doc, "hello");

        // An op message padded to exactly 1 MiB: read and judged on its merits (too large for this document).
        string head = $$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":2,"op":[5,""" + "\"";
        const string tail = "\"]}";
        string atLimit = head + new string('x', MaxFrameBytes - head.Length - tail.Length) + tail;
        Assert.Equal(MaxFrameBytes, Encoding.UTF8.GetByteCount(atLimit));
        AssertError(await client.RequestAsync(atLimit), "ERR_DOCUMENT_TOO_LARGE");

        string overLimit = head + new string('x', MaxFrameBytes - head.Length - tail.Length + 1) + tail;
        await client.SendJsonAsync(overLimit);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());

        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "hello");
    }

    [Fact]
    public async Task A_message_over_the_limit_in_many_fragments_closes_with_1009()
    {
        await using WireClient client = await ConnectAsync();
        byte[] chunk = Encoding.UTF8.GetBytes(new string(' ', 64 * 1024));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (int sent = 0; sent <= MaxFrameBytes; sent += chunk.Length)
            await client.Socket.SendAsync(chunk, WebSocketMessageType.Text, endOfMessage: false, cts.Token);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await client.ReceiveCloseAsync());
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        await using WireClient other = await ConnectAsync();
        await AssertStillAnsweringAsync(other);
    }

    [Theory]
    [InlineData("""{"a":"f","c":"docs",""")]
    [InlineData("""not json""")]
    [InlineData("""{"a":"f","a":"s","c":"docs","d":"x"}""")]
    [InlineData("""[1,2,3]""")]
    public async Task Invalid_json_gets_a_badly_formed_error_and_the_connection_stays_open(string frame)
    {
        await using WireClient client = await ConnectAsync();
        AssertError(await client.RequestAsync(frame), "ERR_MESSAGE_BADLY_FORMED");
        await AssertStillAnsweringAsync(client);
    }

    [Fact]
    public async Task Invalid_utf8_in_a_text_frame_is_refused_with_1007_and_others_are_unaffected()
    {
        string doc = NewDocId();
        await using WireClient author = await ConnectAsync();
        await CreateAsync(author, doc, "hello");

        await using WireClient client = await ConnectAsync();
        // An op inserting the bytes C3 28: 0xC3 must be followed by a continuation byte.
        byte[] frame = [.. Encoding.ASCII.GetBytes($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":1,"op":[""" + "\""),
            0xC3, 0x28, .. Encoding.ASCII.GetBytes("\"]}")];
        await client.SendAsync(frame, WebSocketMessageType.Text);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await client.ReceiveCloseAsync());

        await AssertStillAnsweringAsync(author);
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "hello");
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_messagepack_string_gets_a_badly_formed_error()
    {
        await using WireClient client = await ConnectAsync();
        // {"a": <str8 with bytes C3 28>}
        byte[] frame = [0x81, 0xA1, (byte)'a', 0xA2, 0xC3, 0x28];
        await client.SendAsync(frame, WebSocketMessageType.Binary);
        (byte[] reply, WebSocketMessageType type) = await client.ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        AssertError(JsonDocument.Parse(MessagePackSerializer.ConvertToJson(reply)).RootElement, "ERR_MESSAGE_BADLY_FORMED");
    }

    [Fact]
    public async Task An_unknown_action_is_named_in_the_error()
    {
        await using WireClient client = await ConnectAsync();
        JsonElement reply = await client.RequestAsync("""{"a":"teleport","c":"docs","d":"x"}""");
        AssertError(reply, "ERR_MESSAGE_BADLY_FORMED");
        Assert.Contains("teleport", reply.GetProperty("error").GetProperty("message").GetString());
        await AssertStillAnsweringAsync(client);
    }

    [Theory]
    [InlineData("""{"c":"docs","d":"x"}""", "'a'")]
    [InlineData("""{"a":7}""", "'a'")]
    [InlineData("""{"a":"f","c":"docs"}""", "'d'")]
    [InlineData("""{"a":"f","c":"docs","d":5}""", "'d'")]
    [InlineData("""{"a":"op","c":"docs","d":"x","v":"one","seq":1,"op":[]}""", "'v'")]
    [InlineData("""{"a":"op","c":"docs","d":"x","v":1,"op":["a"]}""", "'seq'")]
    [InlineData("""{"a":"op","c":"docs","d":"x","v":1,"seq":1}""", "'op'")]
    public async Task A_missing_or_mistyped_field_is_named_in_the_error(string frame, string field)
    {
        await using WireClient client = await ConnectAsync();
        JsonElement reply = await client.RequestAsync(frame);
        Assert.True(reply.TryGetProperty("error", out JsonElement error), reply.ToString());
        Assert.StartsWith("ERR_", error.GetProperty("code").GetString());
        Assert.Contains(field, error.GetProperty("message").GetString());
        await AssertStillAnsweringAsync(client);
    }

    [Fact]
    public async Task A_malformed_op_on_an_existing_document_changes_nothing()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        await CreateAsync(client, doc, "hello");
        JsonElement reply = await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":2,"op":[{"x":1}]}""");
        AssertError(reply, "ERR_OT_OP_BADLY_FORMED");
        Assert.Equal(doc, reply.GetProperty("d").GetString()); // routed back to the document, as the client expects
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "hello");
    }

    [Fact]
    public async Task An_op_that_does_not_fit_the_document_is_rejected_and_changes_nothing()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        await CreateAsync(client, doc, "hello");
        JsonElement reply = await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":2,"op":[9,"x"]}""");
        AssertError(reply, "ERR_OT_OP_NOT_APPLIED");
        Assert.Equal(2, reply.GetProperty("seq").GetInt64());
        await AssertStillAnsweringAsync(client);
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "hello");
    }

    [Fact]
    public async Task An_op_at_a_version_ahead_of_the_document_is_rejected_and_changes_nothing()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        await CreateAsync(client, doc, "hello");
        AssertError(await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":7,"seq":2,"op":["x"]}"""),
            "ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT");
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "hello");
    }

    [Fact]
    public async Task An_op_on_a_document_that_does_not_exist_is_rejected_and_creates_nothing()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        AssertError(await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":0,"seq":1,"op":["x"]}"""),
            "ERR_DOC_DOES_NOT_EXIST");
        await AssertDocumentOnAnotherConnectionAsync(doc, 0, null);
    }

    [Fact]
    public async Task A_create_on_an_existing_document_is_rejected_and_keeps_the_first_text()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        await CreateAsync(client, doc, "hello");
        await using WireClient rival = await ConnectAsync();
        AssertError(await rival.RequestAsync(CreateMessage(doc, 1, 1, TextUnicode, "other")),
            "ERR_DOC_ALREADY_CREATED");
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "hello");
    }

    [Fact]
    public async Task A_create_of_an_unknown_type_is_rejected_with_the_type_named()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        JsonElement reply = await client.RequestAsync(CreateMessage(doc, 0, 1, "http://sharejs.org/types/nope", "x"));
        AssertError(reply, "ERR_DOC_TYPE_NOT_RECOGNIZED");
        Assert.Contains("types/nope", reply.GetProperty("error").GetProperty("message").GetString());
        await AssertDocumentOnAnotherConnectionAsync(doc, 0, null);
    }

    [Fact]
    public async Task A_text_unicode_create_whose_data_is_not_a_string_is_refused_and_creates_nothing()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        JsonElement reply = await client.RequestAsync(
            $$$"""{"a":"op","c":"docs","d":"{{{doc}}}","v":0,"seq":1,"create":{"type":"text-unicode","data":5}}""");
        AssertError(reply, "ERR_OT_OP_BADLY_FORMED");
        Assert.Contains("a string", reply.GetProperty("error").GetProperty("message").GetString());
        await AssertDocumentOnAnotherConnectionAsync(doc, 0, null);
    }

    [Fact]
    public async Task A_document_may_not_grow_past_its_size_limit()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        string start = new('a', SmallLimitsHost.MaxDocumentUtf16Length - 5);
        await CreateAsync(client, doc, start);
        AssertError(await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":2,"op":["123456"]}"""),
            "ERR_DOCUMENT_TOO_LARGE");
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, start);

        // Up to the limit is fine.
        JsonElement ack = await client.RequestAsync($$"""{"a":"op","c":"docs","d":"{{doc}}","v":1,"seq":3,"op":["12345"]}""");
        Assert.False(ack.TryGetProperty("error", out _), ack.ToString());
        await AssertDocumentOnAnotherConnectionAsync(doc, 2, "12345" + start);
    }

    [Fact]
    public async Task A_create_over_the_size_limit_is_rejected()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        AssertError(await client.RequestAsync(
                CreateMessage(doc, 0, 1, TextUnicode, new string('a', SmallLimitsHost.MaxDocumentUtf16Length + 1))),
            "ERR_DOCUMENT_TOO_LARGE");
        await AssertDocumentOnAnotherConnectionAsync(doc, 0, null);
    }

    [Fact]
    public async Task A_connection_may_not_hold_more_subscriptions_than_allowed()
    {
        await using WireClient client = await ConnectAsync();
        string[] docs = Enumerable.Range(0, SmallLimitsHost.MaxSubscriptions + 1).Select(_ => NewDocId()).ToArray();
        for (int i = 0; i < SmallLimitsHost.MaxSubscriptions; i++)
        {
            JsonElement ok = await client.RequestAsync($$"""{"a":"s","c":"docs","d":"{{docs[i]}}"}""");
            Assert.False(ok.TryGetProperty("error", out _), ok.ToString());
        }
        JsonElement refused = await client.RequestAsync($$"""{"a":"s","c":"docs","d":"{{docs[^1]}}"}""");
        AssertError(refused, "ERR_TOO_MANY_SUBSCRIPTIONS");
        Assert.Equal(docs[^1], refused.GetProperty("d").GetString());
        Assert.Equal(0, (await Host.StatusAsync("docs", docs[^1])).Subscribers);

        // Subscribing again to a document already held costs nothing, and unsubscribing frees a place.
        Assert.False((await client.RequestAsync($$"""{"a":"s","c":"docs","d":"{{docs[0]}}"}""")).TryGetProperty("error", out _));
        await client.RequestAsync($$"""{"a":"u","c":"docs","d":"{{docs[0]}}"}""");
        JsonElement accepted = await client.RequestAsync($$"""{"a":"s","c":"docs","d":"{{docs[^1]}}"}""");
        Assert.False(accepted.TryGetProperty("error", out _), accepted.ToString());
        Assert.Equal(1, (await Host.StatusAsync("docs", docs[^1])).Subscribers);
    }

    [Fact]
    public async Task A_bulk_subscribe_past_the_limit_fails_only_the_documents_over_it()
    {
        await using WireClient client = await ConnectAsync();
        string[] docs = Enumerable.Range(0, SmallLimitsHost.MaxSubscriptions + 2).Select(_ => NewDocId()).ToArray();
        JsonElement reply = await client.RequestAsync(
            $$"""{"a":"bs","c":"docs","b":{{JsonSerializer.Serialize(docs)}}}""");
        Assert.Equal("bs", reply.GetProperty("a").GetString());
        JsonElement data = reply.GetProperty("data");
        int failed = docs.Count(d => data.GetProperty(d).TryGetProperty("error", out _));
        Assert.Equal(2, failed);
    }

    [Fact]
    public async Task Queries_outside_the_subset_bad_subscribe_queries_and_an_unknown_qu_are_refused_with_a_clear_error()
    {
        await using WireClient client = await ConnectAsync();
        JsonElement reply = await client.RequestAsync("""{"a":"qs","id":1,"c":"docs","q":{"title":{"$regex":"^a"}}}""");
        AssertError(reply, "ERR_QUERY_NOT_SUPPORTED");
        reply = await client.RequestAsync("""{"a":"qs","id":5,"q":{}}""");
        AssertError(reply, "ERR_QUERY_INVALID");
        reply = await client.RequestAsync("""{"a":"qu","id":6}""");
        AssertError(reply, "ERR_QUERY_NOT_SUBSCRIBED");
        reply = await client.RequestAsync("""{"a":"qf","id":2,"c":"docs","q":{"title":{"$regex":"^a"}}}""");
        AssertError(reply, "ERR_QUERY_NOT_SUPPORTED");
        Assert.Contains("$regex", reply.GetProperty("error").GetProperty("message").GetString());
        reply = await client.RequestAsync("""{"a":"qf","id":3,"c":"docs","q":{"$limit":-1}}""");
        AssertError(reply, "ERR_QUERY_INVALID");
        // The connection serves on after the refusals.
        reply = await client.RequestAsync("""{"a":"qf","id":4,"c":"docs","q":{"_id":"none-such","$count":true}}""");
        Assert.Equal(0, reply.GetProperty("extra").GetInt64());
    }

    [Fact]
    public async Task Messagepack_requests_get_messagepack_answers()
    {
        string doc = NewDocId();
        await using WireClient client = await ConnectAsync();
        await CreateAsync(client, doc, "héllo 😀");

        byte[] fetch = MessagePackSerializer.Serialize(new Dictionary<string, object?>
        {
            ["a"] = "f", ["c"] = "docs", ["d"] = doc, ["v"] = null,
        });
        await client.SendAsync(fetch, WebSocketMessageType.Binary);
        (byte[] payload, WebSocketMessageType type) = await client.ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        JsonElement reply = JsonDocument.Parse(MessagePackSerializer.ConvertToJson(payload)).RootElement;
        Assert.Equal("f", reply.GetProperty("a").GetString());
        Assert.Equal("héllo 😀", reply.GetProperty("data").GetProperty("data").GetString());
        Assert.Equal(1, reply.GetProperty("data").GetProperty("v").GetInt64());

        // An error is answered in MessagePack too, and a JSON request after it in JSON again.
        byte[] bad = MessagePackSerializer.Serialize(new Dictionary<string, object?> { ["a"] = "op", ["c"] = "docs", ["d"] = doc, ["v"] = 1L, ["seq"] = 2L, ["op"] = new object[] { 99L, "x" } });
        await client.SendAsync(bad, WebSocketMessageType.Binary);
        (payload, type) = await client.ReceiveFrameAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        AssertError(JsonDocument.Parse(MessagePackSerializer.ConvertToJson(payload)).RootElement, "ERR_OT_OP_NOT_APPLIED");
        await AssertStillAnsweringAsync(client);
        await AssertDocumentOnAnotherConnectionAsync(doc, 1, "héllo 😀");
    }
}
