using System.Text;
using System.Text.Json;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Protocol;

public class JsonWireCodecDecodeTests
{
    private static ClientMessage Decode(string json) => JsonWireCodec.Instance.Decode(Encoding.UTF8.GetBytes(json));

    private static UnreadableMessage DecodeBad(string json) => Assert.IsType<UnreadableMessage>(Decode(json));

    [Fact]
    public void Handshake_carries_the_previous_client_id()
    {
        var hs = Assert.IsType<HandshakeRequest>(Decode("""{"a":"hs","id":"abc","protocol":1,"protocolMinor":2}"""));
        Assert.Equal(new HandshakeRequest("abc", 1, 2), hs);
        var first = Assert.IsType<HandshakeRequest>(Decode("""{"a":"hs","id":null,"protocol":1,"protocolMinor":2}"""));
        Assert.Null(first.PreviousClientId);
    }

    [Fact]
    public void Fetch_subscribe_and_unsubscribe_name_the_document()
    {
        Assert.Equal(new FetchRequest("docs", "d1", null), Decode("""{"a":"f","c":"docs","d":"d1","v":null}"""));
        Assert.Equal(new FetchRequest("docs", "d1", 3), Decode("""{"a":"f","c":"docs","d":"d1","v":3}"""));
        Assert.Equal(new SubscribeRequest("docs", "d1", null), Decode("""{"a":"s","c":"docs","d":"d1"}"""));
        Assert.Equal(new UnsubscribeRequest("docs", "d1"), Decode("""{"a":"u","c":"docs","d":"d1"}"""));
    }

    [Fact]
    public void Bulk_requests_take_a_list_of_ids_or_a_map_of_versions()
    {
        var byIds = Assert.IsType<BulkSubscribeRequest>(Decode("""{"a":"bs","c":"docs","b":["x","y"]}"""));
        Assert.Equal(["x", "y"], byIds.Documents.Ids);
        Assert.Null(byIds.Documents.Versions);
        var byVersions = Assert.IsType<BulkFetchRequest>(Decode("""{"a":"bf","c":"docs","b":{"x":1,"y":4}}"""));
        Assert.Equal(1, byVersions.Documents.VersionOf("x"));
        Assert.Equal(4, byVersions.Documents.VersionOf("y"));
        Assert.IsType<BulkUnsubscribeRequest>(Decode("""{"a":"bu","c":"docs","b":["x"]}"""));
    }

    [Fact]
    public void An_edit_op_is_kept_as_its_json_for_the_documents_type_to_read()
    {
        var op = Assert.IsType<SubmitRequest>(
            Decode("""{"a":"op","c":"docs","d":"d1","v":1,"seq":2,"x":{},"op":[5," world",{"d":3}]}"""));
        Assert.Equal(1, op.Version);
        Assert.Equal(2, op.Seq);
        Assert.Null(op.Src);
        var edit = Assert.IsType<EditChange>(op.Change);
        Assert.Null(edit.Op.Type);
        Assert.Equal("""[5," world",{"d":3}]""", edit.Op.ToJson());
    }

    [Fact]
    public void Create_and_delete_ops_are_read_with_their_source()
    {
        var create = Assert.IsType<SubmitRequest>(Decode(
            """{"a":"op","c":"docs","d":"d1","v":null,"src":"old","seq":1,"create":{"type":"http://sharejs.org/types/text-unicode","data":"hello"}}"""));
        Assert.Null(create.Version);
        Assert.Equal("old", create.Src);
        Assert.Equal(new CreateChange(TextUnicodeType.Uri, "hello"), create.Change);
        var delete = Assert.IsType<SubmitRequest>(Decode("""{"a":"op","c":"docs","d":"d1","v":4,"seq":3,"del":true}"""));
        Assert.Same(DeleteChange.Instance, delete.Change);
    }

    [Fact]
    public void Snapshot_requests_carry_their_request_id()
    {
        Assert.Equal(new SnapshotAtVersionRequest(7, "docs", "d1", 2), Decode("""{"a":"nf","id":7,"c":"docs","d":"d1","v":2}"""));
        Assert.Equal(new SnapshotAtTimeRequest(8, "docs", "d1", 1700000000000),
            Decode("""{"a":"nt","id":8,"c":"docs","d":"d1","ts":1700000000000}"""));
    }

    [Fact]
    public void Presence_messages_keep_their_value_as_detached_json()
    {
        var p = Assert.IsType<PresenceUpdate>(Decode(
            """{"a":"p","ch":"docs.d1","id":"p1","p":{"index":3,"length":0},"pv":5,"c":"docs","d":"d1","v":2,"t":"http://sharejs.org/types/text-unicode"}"""));
        Assert.Equal("p1", p.PresenceId);
        Assert.Equal(5, p.PresenceVersion);
        Assert.Equal(2, p.Version);
        Assert.Equal(3, p.Value!.Value.GetProperty("index").GetInt32());
        var gone = Assert.IsType<PresenceUpdate>(Decode("""{"a":"p","ch":"docs.d1","id":"p1","p":null,"pv":6}"""));
        Assert.Null(gone.Value);
        Assert.Equal(new PresenceSubscribeRequest("docs.d1", 1), Decode("""{"a":"ps","ch":"docs.d1","seq":1}"""));
        Assert.Equal(new PresenceUnsubscribeRequest("docs.d1", 2), Decode("""{"a":"pu","ch":"docs.d1","seq":2}"""));
        Assert.Equal(new PresenceRequest("docs.d1"), Decode("""{"a":"pr","ch":"docs.d1"}"""));
    }

    [Fact]
    public void Ping_and_queries_are_recognised()
    {
        Assert.Same(PingRequest.Instance, Decode("""{"a":"pp"}"""));
        Assert.Equal(new QueryRequest("qf", 1, "docs", new JsonText("{}")), Decode("""{"a":"qf","id":1,"c":"docs","q":{}}"""));
        Assert.Equal(new QueryRequest("qs", 2, "docs", new JsonText("""{"n":{"$gt":1}}""")), Decode("""{"a":"qs","id":2,"c":"docs","q":{"n":{"$gt":1}}}"""));
        Assert.Equal(new QueryRequest("qu", 2, null), Decode("""{"a":"qu","id":2}"""));
    }

    [Fact]
    public void A_qs_sent_again_after_a_reconnect_carries_the_versions_the_client_has()
    {
        var qs = Assert.IsType<QueryRequest>(Decode("""{"a":"qs","id":3,"c":"docs","q":{},"r":[["a",4],["b",null]]}"""));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 4 }, qs.KnownVersions);
        Assert.IsType<UnreadableMessage>(Decode("""{"a":"qs","id":3,"c":"docs","q":{},"r":[["a"]]}"""));
        Assert.IsType<UnreadableMessage>(Decode("""{"a":"qs","id":3,"c":"docs","q":{},"r":{"a":1}}"""));
    }

    [Fact]
    public void Invalid_json_is_a_badly_formed_message()
    {
        var bad = DecodeBad("""{"a":"f","c":"docs",""");
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
        Assert.Contains("not valid JSON", bad.Error.Message);
    }

    [Theory]
    [InlineData("""{"a":"f","c":"\ud800","d":"x"}""")]
    [InlineData("""{"a":"f","c":"docs","d":"x\udc00"}""")]
    [InlineData("""{"a":"p","ch":"docs.x","id":"p1","pv":1,"p":{"\uDBFF":1}}""")]
    [InlineData("""{"a":"op","c":"docs","d":"x","v":1,"seq":1,"op":["\ud83d"]}""")]
    [InlineData("""{"a":"op","c":"docs","d":"x","v":1,"seq":1,"op":["\ud83d\u0041"]}""")]
    [InlineData("""{"a":"hs","id":"\\\ud800"}""")]
    public void A_lone_surrogate_escape_anywhere_is_a_badly_formed_message_whose_error_reply_encodes(string json)
    {
        var bad = DecodeBad(json);
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
        Assert.Contains("lone surrogate", bad.Error.Message);
        Assert.NotEmpty(JsonWireCodec.Instance.Encode(new ErrorReply(bad.Request, bad.Error)));
        Assert.NotEmpty(MessagePackWireCodec.Instance.Encode(new ErrorReply(bad.Request, bad.Error)));
    }

    [Theory]
    [InlineData("""{"a":"f","c":"docs","d":"\\ud800"}""", "\\ud800")]
    [InlineData("""{"a":"f","c":"docs","d":"\ud83d\ude00"}""", "😀")]
    public void An_escaped_backslash_or_a_surrogate_pair_is_not_a_lone_surrogate(string json, string id) =>
        Assert.Equal(new FetchRequest("docs", id, null), Decode(json));

    [Theory]
    [InlineData("c", 257)]
    [InlineData("d", 257)]
    public void A_name_longer_than_the_limit_is_refused_with_its_own_code(string field, int length)
    {
        string c = field == "c" ? new string('c', length) : "docs";
        string d = field == "d" ? new string('d', length) : "x";
        var bad = DecodeBad($$"""{"a":"f","c":"{{c}}","d":"{{d}}"}""");
        Assert.Equal(ProtocolErrorCodes.NameTooLong, bad.Error.Code);
        Assert.Contains($"'{field}'", bad.Error.Message);
        Assert.IsType<FetchRequest>(Decode($$"""{"a":"f","c":"{{new string('c', 256)}}","d":"{{new string('d', 256)}}"}"""));
    }

    [Fact]
    public void A_presence_id_longer_than_a_name_is_refused()
    {
        var bad = DecodeBad($$"""{"a":"p","ch":"lobby","id":"{{new string('i', 257)}}","pv":1,"p":null}""");
        Assert.Equal(ProtocolErrorCodes.NameTooLong, bad.Error.Code);
        Assert.Contains("'id'", bad.Error.Message);
        Assert.IsType<PresenceUpdate>(Decode($$"""{"a":"p","ch":"lobby","id":"{{new string('i', 256)}}","pv":1,"p":null}"""));
    }

    [Fact]
    public void A_channel_longer_than_two_names_and_a_dot_is_refused()
    {
        Assert.Equal(ProtocolErrorCodes.NameTooLong, DecodeBad($$"""{"a":"ps","ch":"{{new string('.', 514)}}","seq":1}""").Error.Code);
        Assert.IsType<PresenceSubscribeRequest>(Decode($$"""{"a":"ps","ch":"{{new string('.', 513)}}","seq":1}"""));
        Assert.Equal(ProtocolErrorCodes.NameTooLong, DecodeBad($$"""{"a":"bf","c":"docs","b":["{{new string('d', 257)}}"]}""").Error.Code);
    }

    [Fact]
    public void Invalid_utf8_is_a_badly_formed_message()
    {
        byte[] frame = [.. Encoding.UTF8.GetBytes("""{"a":"f","c":"do"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("""cs","d":"x"}""")];
        var bad = Assert.IsType<UnreadableMessage>(JsonWireCodec.Instance.Decode(frame));
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
        Assert.Contains("UTF-8", bad.Error.Message);
    }

    [Theory]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"c":"docs"}""", "Field 'a'")]
    [InlineData("""{"a":5}""", "Field 'a'")]
    [InlineData("""{"a":"zz","c":"docs"}""", "Unknown action 'zz'")]
    [InlineData("""{"a":"f","d":"d1"}""", "Field 'c' (collection) is missing")]
    [InlineData("""{"a":"f","c":"docs","d":7}""", "Field 'd' (document id) must be a string")]
    [InlineData("""{"a":"s","c":"docs","d":"d1","v":"3"}""", "Field 'v' must be a non-negative whole number")]
    [InlineData("""{"a":"s","c":"docs","d":"d1","v":-1}""", "Field 'v' must be a non-negative whole number")]
    [InlineData("""{"a":"s","c":"docs","d":"d1","v":1.5}""", "Field 'v' must be a non-negative whole number")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"op":[1]}""", "Field 'seq'")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1}""", "needs one of 'op', 'create' or 'del'")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"op":["a"],"del":true}""", "exactly one of")]
    [InlineData("""{"a":"bs","c":"docs","b":"x"}""", "Field 'b' must be")]
    [InlineData("""{"a":"bs","c":"docs","b":[1]}""", "Field 'b' must list")]
    [InlineData("""{"a":"bf","c":"docs","b":{"x":"1"}}""", "Field 'b.x'")]
    [InlineData("""{"a":"nf","c":"docs","d":"d1"}""", "Field 'id' (request id) is missing")]
    [InlineData("""{"a":"p","ch":"docs.d1","id":"p1","p":{}}""", "Field 'pv'")]
    [InlineData("""{"a":"ps","seq":1}""", "Field 'ch'")]
    [InlineData("""{"a":"f","a":"s","c":"docs","d":"d1"}""", "not valid JSON")]
    public void Missing_mistyped_and_unknown_fields_are_named_in_the_error(string json, string expected)
    {
        var bad = DecodeBad(json);
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
        Assert.Contains(expected, bad.Error.Message);
    }

    [Theory]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"del":1}""", "Field 'del' must be true")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"create":{"data":"x"}}""", "create.type")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"create":{"type":5}}""", "create.type")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"create":"json0"}""", "Field 'create' must be an object")]
    public void A_create_or_delete_that_is_not_one_is_a_badly_formed_op_as_ShareDBs_checkOp_says(string json, string expected)
    {
        var bad = DecodeBad(json);
        Assert.Equal(ProtocolErrorCodes.OpBadlyFormed, bad.Error.Code);
        Assert.Contains(expected, bad.Error.Message);
    }

    [Theory]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"op":{"ops":[{"insert":"x"}]}}""", """{"ops":[{"insert":"x"}]}""")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"op":[{"p":["n"],"na":2}]}""", """[{"p":["n"],"na":2}]""")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"op":[true]}""", "[true]")]
    public void Any_json_op_is_left_for_the_documents_type_to_read(string json, string op)
    {
        var edit = Assert.IsType<EditChange>(Assert.IsType<SubmitRequest>(Decode(json)).Change);
        Assert.Null(edit.Op.Type);
        Assert.Equal(op, edit.Op.ToJson());
    }

    [Fact]
    public void A_creates_data_may_be_any_json_value()
    {
        var create = Assert.IsType<CreateChange>(Assert.IsType<SubmitRequest>(
            Decode("""{"a":"op","c":"docs","d":"d1","v":null,"seq":1,"create":{"type":"json0","data":{"title":"Plan","tags":[]}}}""")).Change);
        Assert.Equal(new CreateChange("json0", new JsonText("""{"title":"Plan","tags":[]}""")), create);
    }

    [Fact]
    public void A_seq_past_javascripts_safe_integers_is_refused_as_shareDB_does()
    {
        var bad = DecodeBad("""{"a":"op","c":"docs","d":"d1","v":0,"seq":9007199254740991,"op":["x"]}""");
        Assert.Equal(ProtocolErrorCodes.ConnectionSeqIntegerOverflow, bad.Error.Code);
    }

    [Fact]
    public void A_failed_request_still_echoes_the_fields_that_route_its_error()
    {
        var bad = DecodeBad("""{"a":"s","c":"docs","d":"d1","v":"x"}""");
        Assert.Equal(new RequestEcho("s", "docs", "d1"), bad.Request);
        var snapshot = DecodeBad("""{"a":"nf","id":3,"c":"docs"}""");
        Assert.Equal(3, snapshot.Request.RequestId);
        var bulk = DecodeBad("""{"a":"bs","b":["x"]}""");
        Assert.Equal(["x"], bulk.Request.Bulk!.Ids);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        string deep = new string('[', WireLimits.MaxDepth + 5) + new string(']', WireLimits.MaxDepth + 5);
        var bad = DecodeBad($$"""{"a":"p","ch":"c","id":"p","pv":1,"p":{{deep}}}""");
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
    }

    [Fact]
    public void A_presence_value_outlives_the_frame_it_was_read_from()
    {
        var p = Assert.IsType<PresenceUpdate>(Decode("""{"a":"p","ch":"c","id":"p","pv":1,"p":{"index":9}}"""));
        GC.Collect();
        Assert.Equal("""{"index":9}""", JsonSerializer.Serialize(p.Value));
    }
}
