using System.Text;
using System.Text.Json;
using CollabActors.Protocol;
using CollabText;

namespace CollabActors.Tests.Protocol;

/// <summary>The JSON shapes are those a ShareDB 7 server sends (see the transcript in PROTOCOL.md).</summary>
public class ServerMessageEncodingTests
{
    private static string Json(ServerMessage message) => Encoding.UTF8.GetString(JsonWireCodec.Instance.Encode(message));

    [Fact]
    public void Init_and_handshake_announce_protocol_1_2_and_the_json0_default_type()
    {
        Assert.Equal("""{"a":"init","protocol":1,"protocolMinor":2,"id":"c1","type":"http://sharejs.org/types/JSONv0"}""",
            Json(HandshakeReply.Init("c1")));
        Assert.Equal("""{"a":"hs","protocol":1,"protocolMinor":2,"id":"c1","type":"http://sharejs.org/types/JSONv0"}""",
            Json(HandshakeReply.Handshake("c1")));
    }

    [Fact]
    public void A_missing_document_is_version_0_with_a_null_type_and_no_data()
    {
        Assert.Equal("""{"a":"s","c":"docs","d":"d1","data":{"v":0,"type":null}}""",
            Json(new SubscribeReply("docs", "d1", new WireSnapshot(0, null, null))));
    }

    [Fact]
    public void A_fetched_text_document_carries_its_text_and_type()
    {
        Assert.Equal("""{"a":"f","c":"docs","d":"d1","data":{"v":2,"data":"hello world","type":"http://sharejs.org/types/text-unicode"}}""",
            Json(new FetchReply("docs", "d1", new WireSnapshot(2, TextUnicodeType.Uri, "hello world"))));
        Assert.Equal("""{"a":"f","c":"docs","d":"d1"}""", Json(new FetchReply("docs", "d1", null)));
    }

    [Fact]
    public void A_fetch_query_reply_lists_snapshots_with_their_ids_and_a_count_goes_in_extra()
    {
        var results = new CollabActors.Queries.QueryResults(
        [
            new("n2", new WireSnapshot(1, "http://sharejs.org/types/JSONv0", """{"title":"Other","n":5}"""), 10, 11),
            new("t1", new WireSnapshot(2, TextUnicodeType.Uri, "hi"), 10, 12),
        ], null);
        // As ShareDB's getResultsData: {v, data, d}, with the type only when it is not json0.
        Assert.Equal("""{"a":"qf","id":1,"data":[{"v":1,"data":{"title":"Other","n":5},"d":"n2"},{"v":2,"data":"hi","type":"http://sharejs.org/types/text-unicode","d":"t1"}]}""",
            Json(new QueryFetchReply(1, results)));
        Assert.Equal("""{"a":"qf","id":2,"data":[],"extra":3}""", Json(new QueryFetchReply(2, new([], 3))));
    }

    [Fact]
    public void Acks_and_ops_have_the_shape_the_client_matches_on()
    {
        Assert.Equal("""{"a":"op","c":"docs","d":"d1","src":"c1","seq":2,"v":1}""", Json(new OpAck("docs", "d1", "c1", 2, 1)));
        Assert.Equal("""{"a":"op","c":"docs","d":"d1","v":1,"src":"c2","seq":4,"op":[5," world"]}""",
            Json(new OpMessage("docs", "d1", 1, "c2", 4, new EditChange(TextOp.Parse("""[5," world"]""")))));
        Assert.Equal("""{"a":"op","c":"docs","d":"d1","v":0,"src":"c2","seq":1,"create":{"type":"http://sharejs.org/types/text-unicode","data":"hi"}}""",
            Json(new OpMessage("docs", "d1", 0, "c2", 1, new CreateChange(TextUnicodeType.Uri, "hi"))));
        Assert.Equal("""{"a":"op","c":"docs","d":"d1","v":3,"src":"c2","seq":5,"del":true}""",
            Json(new OpMessage("docs", "d1", 3, "c2", 5, DeleteChange.Instance)));
    }

    [Fact]
    public void An_error_reply_echoes_the_request_and_adds_code_and_message()
    {
        var request = new SubmitRequest("docs", "d1", 9, null, 3, new EditChange(TextOp.InsertAt(0, "x")));
        Assert.Equal("""{"a":"op","c":"docs","d":"d1","seq":3,"v":9,"error":{"code":"ERR_OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT","message":"too new"}}""",
            Json(ErrorReply.To(request, ProtocolErrorCodes.OpVersionNewerThanCurrentSnapshot, "too new")));
        Assert.Equal("""{"a":"nf","c":"docs","d":"d1","id":4,"error":{"code":"ERR_UNKNOWN_ERROR","message":"m"}}""",
            Json(ErrorReply.To(new SnapshotAtVersionRequest(4, "docs", "d1", null), ProtocolErrorCodes.UnknownError, "m")));
    }

    [Fact]
    public void Bulk_replies_map_ids_to_snapshots_or_errors_or_echo_b()
    {
        var data = new Dictionary<string, BulkItemResult>
        {
            ["x"] = BulkItemResult.Of(new WireSnapshot(1, TextUnicodeType.Uri, "a")),
            ["y"] = BulkItemResult.Failed(new ProtocolError(ProtocolErrorCodes.TooManySubscriptions, "full")),
        };
        Assert.Equal("""{"a":"bs","c":"docs","data":{"x":{"v":1,"data":"a","type":"http://sharejs.org/types/text-unicode"},"y":{"error":{"code":"ERR_TOO_MANY_SUBSCRIPTIONS","message":"full"}}}}""",
            Json(new BulkReply("bs", "docs", data, null)));
        var versions = BulkSelection.OfVersions(new Dictionary<string, long> { ["x"] = 3 });
        Assert.Equal("""{"a":"bs","c":"docs","b":{"x":3}}""", Json(new BulkReply("bs", "docs", null, versions)));
        Assert.Equal("""{"a":"bu","c":"docs","b":["x"]}""", Json(new BulkReply("bu", "docs", null, BulkSelection.OfIds(["x"]))));
    }

    [Fact]
    public void Snapshot_presence_and_ping_replies()
    {
        Assert.Equal("""{"a":"nf","id":4,"v":2,"type":"http://sharejs.org/types/text-unicode","data":"hi"}""",
            Json(new SnapshotReply("nf", 4, new WireSnapshot(2, TextUnicodeType.Uri, "hi"))));
        using var value = JsonDocument.Parse("""{"index":1}""");
        Assert.Equal("""{"a":"p","ch":"docs.d1","src":"c1","id":"p1","p":{"index":1},"pv":2,"c":"docs","d":"d1","v":3,"t":"text-unicode"}""",
            Json(new PresenceMessage("docs.d1", "c1", "p1", value.RootElement, 2, "docs", "d1", 3, "text-unicode")));
        Assert.Equal("""{"a":"ps","ch":"docs.d1","seq":1}""", Json(new PresenceSubscriptionReply("ps", "docs.d1", 1)));
        Assert.Equal("""{"a":"pr","ch":"docs.d1"}""", Json(new PresenceRequestMessage("docs.d1")));
        Assert.Equal("""{"a":"pp"}""", Json(PongReply.Instance));
    }
}
