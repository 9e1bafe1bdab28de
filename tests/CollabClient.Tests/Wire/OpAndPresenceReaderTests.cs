using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollabText;
using CollabClient.Wire;
using Xunit.Abstractions;

namespace CollabClient.Tests.Wire;

/// <summary>
/// The op and presence messages are read straight from the frame; these tests hold that reading to what reading the
/// frame's JSON object gives (the tree path, which every other message and every doubtful frame still takes).
/// </summary>
public sealed class OpAndPresenceReaderTests(ITestOutputHelper output)
{
    private static readonly (string Key, string Json)[] Broadcast =
    [
        ("a", "\"op\""), ("c", "\"docs\""), ("d", "\"d1\""), ("v", "41"), ("src", "\"c9f\""), ("seq", "17"),
        ("op", "[3,\"héllo 😀\",{\"d\":2},{\"d\":\"xy\"}]"),
    ];

    [Fact]
    public void A_broadcast_op_is_read_without_a_tree_and_gives_what_the_tree_gives()
    {
        IncomingOp op = ReadsAsOp(Frame(Broadcast));
        Assert.Equal(("docs", "d1", 41L, "c9f", 17L), (op.Collection, op.DocumentId, op.Version!.Value, op.Src, op.Seq));
        Assert.Equal(IncomingOpChange.Edit, op.Change);
        Assert.Equal(TextOp.Parse("[3,\"héllo 😀\",{\"d\":2},{\"d\":\"xy\"}]"), op.Op);
        Assert.Null(op.Error);
        Assert.Null(op.BodyError);
    }

    [Fact]
    public void Field_order_does_not_matter()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (int i = 0; i < 200; i++)
        {
            (string, string)[] shuffled = [.. Broadcast];
            random.Shuffle(shuffled);
            ReadsAsOp(Frame(shuffled));
        }
    }

    [Fact]
    public void Unknown_fields_of_any_shape_are_skipped()
    {
        ReadsAsOp(Frame([("x", "{\"deep\":[1,{\"a\":\"p\"}],\"op\":5}"), .. Broadcast, ("m", "{\"ts\":1.5e3}"), ("z", "null")]));
    }

    [Fact]
    public void An_ack_has_a_version_and_no_change()
    {
        IncomingOp ack = ReadsAsOp("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"src\":\"c9f\",\"seq\":3,\"v\":8}");
        Assert.Equal((IncomingOpChange.None, 8L, 3L), (ack.Change, ack.Version!.Value, ack.Seq));
    }

    [Fact]
    public void A_delete_is_a_delete_whatever_its_value()
    {
        Assert.Equal(IncomingOpChange.Delete, ReadsAsOp("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":8,\"del\":true}").Change);
        Assert.Equal(IncomingOpChange.Delete, ReadsAsOp("{\"del\":{\"why\":[1]},\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":8}").Change);
    }

    [Fact]
    public void An_error_reply_carries_the_error_and_no_version_is_needed()
    {
        IncomingOp reply = ReadsAsOp("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"seq\":4,\"error\":{\"code\":\"ERR_OP_SUBMIT_REJECTED\",\"message\":\"no\",\"extra\":[1]}}");
        Assert.Equal(("ERR_OP_SUBMIT_REJECTED", "no", 4L), (reply.Error!.Code, reply.Error.ServerMessage, reply.Seq));
        Assert.Null(reply.Version);
        IncomingOp bare = ReadsAsOp("{\"a\":\"op\",\"error\":{},\"v\":2}");
        Assert.Equal(("ERR_UNKNOWN", "(no message)"), (bare.Error!.Code, bare.Error.ServerMessage));
    }

    [Fact]
    public void A_create_is_read_from_the_tree_with_its_text()
    {
        const string frame = "{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":1,\"create\":{\"type\":\"http://sharejs.org/types/text-unicode\",\"data\":\"hi\"}}";
        IncomingOp create = ReadFully(frame);
        Assert.Equal((IncomingOpChange.Create, "hi"), (create.Change, create.CreateText));
        Assert.IsType<IncomingJson>(WireFrameCodec.DecodeMessage(Utf8(frame), binary: false));
    }

    [Fact]
    public void A_create_of_another_type_fails_when_it_is_used()
    {
        IncomingOp create = ReadFully("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":1,\"create\":{\"type\":\"json0\",\"data\":{}}}");
        Assert.IsType<CollabProtocolException>(create.BodyError);
    }

    [Theory]
    [InlineData("[true]")]
    [InlineData("[{\"d\":1,\"x\":2}]")]
    [InlineData("[[1]]")]
    [InlineData("{\"x\":1}")]
    [InlineData("5")]
    [InlineData("null")]
    [InlineData("[4294967296]")]
    public void An_op_that_is_not_a_text_unicode_op_is_an_unreadable_body_as_before(string badOp)
    {
        IncomingOp op = ReadFully("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":1,\"src\":\"s\",\"seq\":1,\"op\":" + badOp + "}");
        // The document rolls back as for a rejected op when it meets this (CollabDocument.HandleOp); the connection stays.
        Assert.IsType<InvalidOpComponentException>(op.BodyError);
        Assert.Equal(IncomingOpChange.Edit, op.Change);
        Assert.Null(op.Op);
    }

    [Theory]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":\"7\"}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7,\"seq\":\"x\"}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7,\"src\":5}")]
    [InlineData("{\"a\":\"op\",\"c\":1,\"d\":\"d1\",\"v\":7}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":[],\"v\":7}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7.5}")]
    public void A_field_of_the_wrong_type_is_a_protocol_error(string frame)
    {
        Assert.Throws<CollabProtocolException>(() => ReadFully(frame));
    }

    [Theory]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7,\"op\":[1,\"x\"")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",")]
    [InlineData("{\"a\":\"p\",\"c\":\"docs\",\"p\":{\"index\":}")]
    [InlineData("{\"a\":\"op\",\"v\":7} {\"a\":\"op\"}")]
    [InlineData("{\"a\":\"op\",\"v\":7}]")]
    [InlineData("[\"a\",\"op\"]")]
    public void A_truncated_or_broken_frame_is_a_protocol_error(string frame)
    {
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.DecodeMessage(Utf8(frame), binary: false));
    }

    [Fact]
    public void Deeply_nested_junk_in_an_op_frame_is_a_protocol_error()
    {
        string deep = "{\"a\":\"op\",\"v\":1,\"x\":" + new string('[', 500) + new string(']', 500) + "}";
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.DecodeMessage(Utf8(deep), binary: false));
        string deepPresence = "{\"a\":\"p\",\"src\":\"s\",\"p\":" + new string('[', 100) + new string(']', 100) + "}";
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.DecodeMessage(Utf8(deepPresence), binary: false));
    }

    [Theory]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7,\"v\":8}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7,\"x\":1,\"x\":2}")]
    [InlineData("{\"\\u0061\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7.0}")]
    [InlineData("{\"a\":\"op\",\"c\":\"docs\",\"d\":\"d1\",\"v\":7,\"error\":\"boom\"}")]
    [InlineData("{\"c\":\"docs\",\"d\":\"d1\",\"v\":7}")]
    public void A_doubtful_frame_gives_exactly_what_the_tree_gives(string frame)
    {
        Exception? treeError = Record.Exception(() => ReadFromTree(frame));
        Exception? error = Record.Exception(() => ReadFully(frame));
        Assert.Equal(treeError?.GetType(), error?.GetType());
        if (error is null) Assert.Equal(Describe(ReadFromTree(frame)), Describe(ReadFully(frame)));
    }

    [Fact]
    public void Someones_presence_is_read_without_a_tree_and_its_value_parsed_on_demand()
    {
        const string frame = "{\"a\":\"p\",\"ch\":\"docs.d1\",\"src\":\"c9f\",\"id\":\"pres1\",\"p\":{\"index\":3,\"length\":0,\"name\":\"Zoë\"},\"pv\":4,\"c\":\"docs\",\"d\":\"d1\",\"v\":41,\"t\":\"text\"}";
        IncomingPresence presence = Assert.IsType<IncomingPresence>(WireFrameCodec.DecodeMessage(Utf8(frame), binary: false));
        Assert.Equal(("docs", "d1", "c9f", "pres1"), (presence.Collection, presence.DocumentId, presence.Src, presence.PresenceId));
        Assert.Null(presence.Error);
        JsonObject tree = WireFrameCodec.Decode(Utf8(frame), binary: false);
        Assert.True(JsonNode.DeepEquals(tree["p"], presence.ParseValue()));
        Assert.Equal(Describe(IncomingPresence.From(tree)), Describe(presence));
    }

    [Theory]
    [InlineData("{\"a\":\"p\",\"src\":\"c9f\",\"p\":null,\"c\":\"docs\",\"d\":\"d1\"}")]
    [InlineData("{\"c\":\"docs\",\"d\":\"d1\",\"a\":\"p\",\"src\":\"c9f\"}")]
    [InlineData("{\"a\":\"p\",\"src\":\"c9f\",\"id\":null,\"p\":\"just text\",\"c\":\"docs\",\"d\":\"d1\"}")]
    [InlineData("{\"a\":\"p\",\"src\":\"c9f\",\"p\":[1,2.5,{\"x\":[]}],\"c\":\"docs\",\"d\":\"d1\"}")]
    [InlineData("{\"a\":\"p\",\"ch\":\"docs.d1\",\"id\":\"pres1\",\"p\":{\"index\":3},\"v\":41}")]
    [InlineData("{\"a\":\"p\",\"ch\":\"docs.d1\",\"error\":{\"code\":\"ERR_PRESENCE\",\"message\":\"no\"}}")]
    public void Every_presence_shape_gives_what_the_tree_gives(string frame)
    {
        IncomingPresence presence = Assert.IsType<IncomingPresence>(WireFrameCodec.DecodeMessage(Utf8(frame), binary: false));
        JsonObject tree = WireFrameCodec.Decode(Utf8(frame), binary: false);
        Assert.Equal(Describe(IncomingPresence.From(tree)), Describe(presence));
        Assert.True(JsonNode.DeepEquals(tree["p"], presence.ParseValue()));
    }

    [Fact]
    public void MessagePack_frames_give_the_same_messages()
    {
        JsonObject op = JsonNode.Parse(Frame(Broadcast))!.AsObject();
        IncomingMessage fromPack = WireFrameCodec.DecodeMessage(WireFrameCodec.Encode(op, FrameEncoding.MessagePack), binary: true);
        Assert.Equal(Describe(IncomingOp.From(op)), Describe(Assert.IsType<IncomingOp>(fromPack)));
        JsonObject presence = JsonNode.Parse("{\"a\":\"p\",\"src\":\"c9f\",\"p\":{\"index\":3},\"c\":\"docs\",\"d\":\"d1\"}")!.AsObject();
        IncomingMessage presenceFromPack = WireFrameCodec.DecodeMessage(WireFrameCodec.Encode(presence, FrameEncoding.MessagePack), binary: true);
        Assert.Equal(Describe(IncomingPresence.From(presence)), Describe(Assert.IsType<IncomingPresence>(presenceFromPack)));
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.DecodeMessage(new byte[] { 0xc1, 0xff, 0x00 }, binary: true));
    }

    [Fact]
    public void Other_messages_are_read_as_their_json_object()
    {
        const string frame = "{\"a\":\"s\",\"c\":\"docs\",\"d\":\"d1\",\"data\":{\"v\":3,\"type\":\"http://sharejs.org/types/text-unicode\",\"data\":\"abc\"}}";
        IncomingJson json = Assert.IsType<IncomingJson>(WireFrameCodec.DecodeMessage(Utf8(frame), binary: false));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(frame), json.Message));
    }

    [Fact]
    public void The_frame_buffer_can_be_reused_once_a_presence_is_read()
    {
        byte[] frame = Utf8("{\"a\":\"p\",\"src\":\"c9f\",\"p\":{\"index\":3},\"c\":\"docs\",\"d\":\"d1\"}");
        IncomingPresence presence = Assert.IsType<IncomingPresence>(WireFrameCodec.DecodeMessage(frame, binary: false));
        Array.Fill(frame, (byte)' ');
        Assert.Equal(3, presence.ParseValue()!["index"]!.GetValue<int>());
    }

    // ---- helpers ----

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static string Frame(IEnumerable<(string Key, string Json)> fields) =>
        "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Json}")) + "}";

    /// <summary>Reads an op frame as the client does and checks that it took the fast path and agrees with the tree.</summary>
    private static IncomingOp ReadsAsOp(string frame)
    {
        IncomingOp op = Assert.IsType<IncomingOp>(WireFrameCodec.DecodeMessage(Utf8(frame), binary: false));
        Assert.Equal(Describe(ReadFromTree(frame)), Describe(op));
        return op;
    }

    /// <summary>What the connection hands a document for an op frame, whichever path the frame takes.</summary>
    private static IncomingOp ReadFully(string frame) => WireFrameCodec.DecodeMessage(Utf8(frame), binary: false) switch
    {
        IncomingOp op => op,
        IncomingJson json => IncomingOp.From(json.Message),
        var other => throw new InvalidOperationException($"not an op: {other}"),
    };

    private static IncomingOp ReadFromTree(string frame) => IncomingOp.From(WireFrameCodec.Decode(Utf8(frame), binary: false));

    private static string Describe(IncomingOp o) =>
        $"{o.Collection}|{o.DocumentId}|{o.Seq}|{o.Src}|{o.Error?.Code}|{o.Error?.ServerMessage}|{o.Version}|{o.Change}|" +
        $"{(o.Op is null ? "-" : JsonSerializer.Serialize(o.Op))}|{o.CreateText}|{o.BodyError?.GetType().Name}";

    private static string Describe(IncomingPresence p) =>
        $"{p.Collection}|{p.DocumentId}|{p.Src}|{p.PresenceId}|{p.Error?.Code}|{p.Error?.ServerMessage}|{p.ParseValue()?.ToJsonString() ?? "-"}";
}
