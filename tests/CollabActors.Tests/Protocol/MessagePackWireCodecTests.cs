using System.Buffers;
using System.Text;
using CollabActors.Protocol;
using CollabText;
using MessagePack;

namespace CollabActors.Tests.Protocol;

public class MessagePackWireCodecTests
{
    private static byte[] Pack(string json) => MessagePackSerializer.ConvertFromJson(json);

    private static ClientMessage Decode(byte[] frame) => MessagePackWireCodec.Instance.Decode(frame);

    private delegate void WriteFrame(ref MessagePackWriter writer);

    private static byte[] Frame(WriteFrame write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    [Theory]
    [InlineData("""{"a":"hs","id":"abc","protocol":1,"protocolMinor":2}""")]
    [InlineData("""{"a":"s","c":"docs","d":"d1","v":3}""")]
    [InlineData("""{"a":"bs","c":"docs","b":{"x":1}}""")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":1,"seq":2,"op":[5," world",{"d":3}]}""")]
    [InlineData("""{"a":"op","c":"docs","d":"d1","v":0,"seq":1,"create":{"type":"text-unicode","data":"😀"}}""")]
    [InlineData("""{"a":"nf","id":7,"c":"docs","d":"d1","v":2}""")]
    [InlineData("""{"a":"pp"}""")]
    public void A_message_reads_the_same_in_both_encodings(string json)
    {
        var fromJson = JsonWireCodec.Instance.Decode(Encoding.UTF8.GetBytes(json));
        var fromMessagePack = Decode(Pack(json));
        Assert.IsNotType<UnreadableMessage>(fromMessagePack);
        if (fromJson is BulkSubscribeRequest bulk)
            Assert.Equal(bulk.Documents.VersionOf("x"), ((BulkSubscribeRequest)fromMessagePack).Documents.VersionOf("x"));
        else
            Assert.Equal(fromJson, fromMessagePack);
    }

    [Fact]
    public void Presence_values_cross_from_MessagePack_intact()
    {
        var p = Assert.IsType<PresenceUpdate>(Decode(Pack("""{"a":"p","ch":"c","id":"p","pv":1,"p":{"index":3,"length":2}}""")));
        Assert.Equal(2, p.Value!.Value.GetProperty("length").GetInt32());
    }

    [Fact]
    public void Server_messages_encode_to_the_same_object_as_in_json()
    {
        ServerMessage[] messages =
        [
            HandshakeReply.Init("c1"),
            new SubscribeReply("docs", "d1", new WireSnapshot(0, null, null)),
            new OpMessage("docs", "d1", 1, "c2", 4, new EditChange(TextOp.Parse("""[5," world",{"d":"abc"}]"""))),
            new OpAck("docs", "d1", "c1", 2, 1),
            ErrorReply.To(new FetchRequest("docs", "d1", null), ProtocolErrorCodes.DocDoesNotExist, "gone"),
        ];
        foreach (ServerMessage message in messages)
        {
            string json = Encoding.UTF8.GetString(JsonWireCodec.Instance.Encode(message));
            Assert.Equal(json, MessagePackSerializer.ConvertToJson(MessagePackWireCodec.Instance.Encode(message)));
        }
    }

    [Fact]
    public void Binary_values_are_refused()
    {
        byte[] frame = Frame((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("a");
            w.Write("pp");
            w.Write("x");
            w.Write(new byte[] { 1, 2, 3 });
        });
        var bad = Assert.IsType<UnreadableMessage>(Decode(frame));
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
        Assert.Contains("not allowed", bad.Error.Message);
    }

    [Fact]
    public void Map_keys_must_be_strings()
    {
        byte[] frame = Frame((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write(1);
            w.Write("pp");
        });
        Assert.Contains("keys must be strings", Assert.IsType<UnreadableMessage>(Decode(frame)).Error.Message);
    }

    [Fact]
    public void Strings_must_be_valid_utf8()
    {
        byte[] frame = Frame((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("a");
            w.WriteString(new byte[] { 0xC3, 0x28 });
        });
        Assert.Contains("UTF-8", Assert.IsType<UnreadableMessage>(Decode(frame)).Error.Message);
    }

    [Fact]
    public void Truncated_frames_and_trailing_bytes_are_refused()
    {
        byte[] whole = Pack("""{"a":"s","c":"docs","d":"d1"}""");
        Assert.IsType<UnreadableMessage>(Decode(whole[..^3]));
        Assert.IsType<UnreadableMessage>(Decode([.. whole, 0xC0]));
        Assert.IsType<UnreadableMessage>(Decode([]));
    }

    [Fact]
    public void Deep_nesting_is_refused_before_it_exhausts_the_stack()
    {
        byte[] frame = Frame((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("p");
            for (int i = 0; i < 100_000; i++) w.WriteArrayHeader(1);
            w.WriteNil();
        });
        var bad = Assert.IsType<UnreadableMessage>(Decode(frame));
        Assert.Equal(ProtocolErrorCodes.MessageBadlyFormed, bad.Error.Code);
    }

    [Fact]
    public void Duplicate_keys_are_refused_as_in_json()
    {
        byte[] frame = Frame((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("a");
            w.Write("pp");
            w.Write("a");
            w.Write("f");
        });
        Assert.IsType<UnreadableMessage>(Decode(frame));
    }
}
