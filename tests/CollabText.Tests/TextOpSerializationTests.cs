using System.Text.Json;
using CollabText;
using MessagePack;

namespace CollabText.Tests;

public sealed class TextOpSerializationTests
{
    private static readonly MessagePackSerializerOptions MessagePackOptions =
        MessagePackSerializerOptions.Standard.WithResolver(TextOpResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    private static readonly TextOp Sample = new([
        OpComponent.Skip(5), OpComponent.Insert(" world😀"), OpComponent.Delete(3), OpComponent.Skip(1), OpComponent.Delete("𝄞x"),
    ]);

    [Fact]
    public void Json_has_the_wire_shape()
    {
        Assert.Equal("[5,\" world\",{\"d\":3}]",
            JsonSerializer.Serialize(new TextOp([OpComponent.Skip(5), OpComponent.Insert(" world"), OpComponent.Delete(3)])));
        Assert.Equal("[{\"d\":\"ab\"}]", new TextOp([OpComponent.Delete("ab")]).ToJson());
    }

    [Fact]
    public void Json_round_trips_every_component_kind()
    {
        Assert.Equal(Sample, TextOp.Parse(Sample.ToJson()));
        Assert.Equal(Sample, JsonSerializer.Deserialize<TextOp>(JsonSerializer.Serialize(Sample)));
        Assert.Equal(TextOp.Empty, TextOp.Parse("[]"));
    }

    [Fact]
    public void Parse_keeps_components_as_given_without_normalizing()
    {
        TextOp op = TextOp.Parse("[1,2,\"a\",\"b\",{\"d\":0}]");
        Assert.Equal(5, op.Count);
        Assert.Throws<InvalidOpComponentException>(() => TextUnicodeType.Check(op));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("[true]")]
    [InlineData("[1.5]")]
    [InlineData("[99999999999]")]
    [InlineData("[{\"x\":1}]")]
    [InlineData("[{}]")]
    [InlineData("[{\"d\":true}]")]
    [InlineData("[{\"d\":1,\"d\":2}]")]
    [InlineData("[[1]]")]
    [InlineData("[1,")]
    [InlineData("not json")]
    public void Malformed_json_is_rejected_with_a_clear_error(string json)
    {
        var error = Assert.Throws<InvalidOpComponentException>(() => TextOp.Parse(json));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void MessagePack_has_the_same_shape_as_json()
    {
        byte[] bytes = MessagePackSerializer.Serialize(Sample, MessagePackOptions);
        Assert.Equal(
            "[5,\" world😀\",{\"d\":3},1,{\"d\":\"𝄞x\"}]",
            MessagePackSerializer.ConvertToJson(bytes));
    }

    [Fact]
    public void MessagePack_round_trips_every_component_kind()
    {
        byte[] bytes = MessagePackSerializer.Serialize(Sample, MessagePackOptions);
        Assert.Equal(Sample, MessagePackSerializer.Deserialize<TextOp>(bytes, MessagePackOptions));
        Assert.Equal(TextOp.Empty,
            MessagePackSerializer.Deserialize<TextOp>(MessagePackSerializer.Serialize(TextOp.Empty, MessagePackOptions), MessagePackOptions));
    }

    [Theory]
    [InlineData("[true]")]
    [InlineData("{\"a\":1}")]
    [InlineData("[{\"x\":1}]")]
    [InlineData("[{\"d\":1,\"e\":2}]")]
    [InlineData("[{\"d\":true}]")]
    [InlineData("[1.5]")]
    [InlineData("[99999999999]")]
    public void Malformed_MessagePack_is_rejected(string json)
    {
        byte[] bytes = MessagePackSerializer.ConvertFromJson(json);
        var error = Assert.ThrowsAny<Exception>(() => MessagePackSerializer.Deserialize<TextOp>(bytes, MessagePackOptions));
        Assert.True(error is InvalidOpComponentException || error.InnerException is InvalidOpComponentException,
            $"unexpected {error}");
    }

    [Fact]
    public void Ops_compare_by_value()
    {
        Assert.Equal(TextOp.InsertAt(2, "x"), new TextOp([OpComponent.Skip(2), OpComponent.Insert("x")]));
        Assert.NotEqual(TextOp.DeleteAt(2, 1), new TextOp([OpComponent.Skip(2), OpComponent.Delete("x")]));
        Assert.Equal(TextOp.InsertAt(2, "x").GetHashCode(), TextOp.Parse("[2,\"x\"]").GetHashCode());
    }
}
