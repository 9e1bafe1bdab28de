using System.Text.Json;
using CollabText;

namespace CollabText.Tests;

public class PresenceTransformTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void A_cursor_moves_through_an_insert_before_it() =>
        Assert.Equal(5, PresenceTransform.Through(Json("""{"index":2,"length":1,"name":"a"}"""), TextOp.Parse("""["abc"]"""))
            .GetProperty("index").GetInt32());

    // Found by ServerFuzzTests: a non-numeric index threw inside the document actor and restarted it.
    [Theory]
    [InlineData("""{"index":[1]}""")]
    [InlineData("""{"index":"3"}""")]
    [InlineData("""{"index":null,"length":2}""")]
    [InlineData("""{"index":1,"length":{"x":1}}""")]
    [InlineData("""{"index":1,"length":2147483647}""")]
    [InlineData("""{"index":1.5}""")]
    public void Presence_values_of_any_shape_pass_through_without_an_exception(string value)
    {
        JsonElement moved = PresenceTransform.Through(Json(value), TextOp.Parse("""["abc"]"""));
        Assert.Equal(JsonValueKind.Object, moved.ValueKind);
    }
}
