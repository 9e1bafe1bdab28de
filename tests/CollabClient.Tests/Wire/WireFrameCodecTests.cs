using System.Text;
using System.Text.Json.Nodes;
using CollabClient.Wire;
using MessagePack;

namespace CollabClient.Tests.Wire;

public sealed class WireFrameCodecTests
{
    private static JsonObject Submit() => new()
    {
        ["a"] = "op", ["c"] = "docs", ["d"] = "d1", ["v"] = 7, ["seq"] = 3, ["x"] = new JsonObject(),
        ["op"] = new JsonArray(5, "wörld 😀", new JsonObject { ["d"] = 2 }),
    };

    [Theory]
    [InlineData(FrameEncoding.Json)]
    [InlineData(FrameEncoding.MessagePack)]
    public void A_message_survives_encoding_and_decoding(FrameEncoding encoding)
    {
        byte[] frame = WireFrameCodec.Encode(Submit(), encoding);
        JsonObject back = WireFrameCodec.Decode(frame, binary: encoding == FrameEncoding.MessagePack);
        Assert.True(JsonNode.DeepEquals(Submit(), back), back.ToJsonString());
    }

    [Fact]
    public void MessagePack_frames_carry_the_same_keys_and_values_as_json()
    {
        byte[] frame = WireFrameCodec.Encode(Submit(), FrameEncoding.MessagePack);
        string json = MessagePackSerializer.ConvertToJson(frame);
        Assert.True(JsonNode.DeepEquals(Submit(), JsonNode.Parse(json)), json);
        // Integers stay integers on the wire (not floats), as a MessagePack server expects.
        var reader = new MessagePackReader(frame);
        int fields = reader.ReadMapHeader();
        Assert.Equal(7, fields);
        for (int i = 0; i < fields; i++)
        {
            string? key = reader.ReadString();
            if (key == "v")
            {
                Assert.Equal(MessagePackType.Integer, reader.NextMessagePackType);
                Assert.Equal(7, reader.ReadInt64());
                return;
            }
            reader.Skip();
        }
        Assert.Fail("no v field");
    }

    [Fact]
    public void A_json_frame_that_is_not_an_object_is_a_protocol_error()
    {
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.Decode(Encoding.UTF8.GetBytes("[1,2]"), binary: false));
    }

    [Fact]
    public void An_unreadable_json_frame_is_a_protocol_error()
    {
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.Decode(Encoding.UTF8.GetBytes("{\"a\":"), binary: false));
    }

    [Fact]
    public void An_unreadable_messagepack_frame_is_a_protocol_error()
    {
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.Decode(new byte[] { 0xc1, 0xff, 0x00 }, binary: true));
    }

    [Fact]
    public void A_deeply_nested_frame_is_refused()
    {
        string deep = "{\"a\":" + new string('[', 500) + new string(']', 500) + "}";
        Assert.Throws<CollabProtocolException>(() => WireFrameCodec.Decode(Encoding.UTF8.GetBytes(deep), binary: false));
    }
}
