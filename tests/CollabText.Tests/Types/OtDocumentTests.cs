using System.Text.Json;
using CollabText.Types;

namespace CollabText.Tests.Types;

/// <summary>
/// A document moved forward without undo (the read model's projector) ends where one applying with undo does, for
/// every type, and refuses what <see cref="OtDocument.Apply"/> refuses, unchanged.
/// </summary>
public class OtDocumentTests
{
    public static TheoryData<string, string, string[]> Histories => new()
    {
        { "text-unicode", "\"hello\"", ["[5, \" world\"]", "[{\"d\": 5}]", "[1, \"i\", {\"d\": 2}]"] },
        { "json0", "{\"n\": 1, \"items\": []}", ["[{\"p\": [\"n\"], \"na\": 2}]", "[{\"p\": [\"items\", 0], \"li\": \"a\"}]", "[{\"p\": [\"title\"], \"oi\": \"t\"}]"] },
        { "rich-text", "[{\"insert\": \"hello\\n\"}]", ["[{\"retain\": 5}, {\"insert\": \"!\"}]", "[{\"retain\": 1, \"attributes\": {\"bold\": true}}]", "[{\"delete\": 2}]"] },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void Applying_forward_ends_where_applying_with_undo_does(string typeName, string data, string[] ops)
    {
        OtType type = OtTypes.Get(typeName);
        OtDocument withUndo = type.Create(Json(data), int.MaxValue);
        OtDocument forward = type.Create(Json(data), int.MaxValue);

        foreach (string op in ops)
        {
            withUndo.Apply(type.Read(new UnreadOp(Json(op))));
            forward.ApplyForward(type.Read(new UnreadOp(Json(op))));
            Assert.Equal(withUndo.ToStored(), forward.ToStored());
        }
        Assert.NotEqual(type.Create(Json(data), int.MaxValue).ToStored(), forward.ToStored());
    }

    [Theory]
    [InlineData("text-unicode", "\"abc\"", "[10, \"x\"]")]
    [InlineData("rich-text", "[{\"insert\": \"abc\\n\"}]", "[{\"retain\": 10}, {\"delete\": 3}]")]
    public void An_op_that_does_not_fit_is_refused_forward_too_and_the_document_is_unchanged(string typeName, string data, string op)
    {
        OtType type = OtTypes.Get(typeName);
        OtDocument withUndo = type.Create(Json(data), int.MaxValue);
        OtDocument forward = type.Create(Json(data), int.MaxValue);
        string before = forward.ToStored();

        Exception refused = Assert.ThrowsAny<Exception>(() => withUndo.Apply(type.Read(new UnreadOp(Json(op)))));
        Exception refusedForward = Assert.ThrowsAny<Exception>(() => forward.ApplyForward(type.Read(new UnreadOp(Json(op)))));

        Assert.Equal(refused.GetType(), refusedForward.GetType());
        Assert.Equal(before, forward.ToStored());
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
