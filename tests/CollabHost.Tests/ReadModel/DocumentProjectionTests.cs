using System.Text.Json;
using System.Text.Json.Nodes;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabHost.ReadModel;
using CollabText.Types;

namespace CollabHost.Tests.ReadModel;

/// <summary>One document's row brought forward by its events, without a database.</summary>
public sealed class DocumentProjectionTests
{
    private static readonly DocumentId Note = new("notes", "n1");

    private static CommittedOp Create(long version, string type, string data, long ts) =>
        new(version, "c1", version + 1, new CreateChange(type, new JsonText(data)), ts);

    private static CommittedOp Edit(long version, string op, long ts) =>
        new(version, "c1", version + 1, new EditChange(new UnreadOp(JsonDocument.Parse(op).RootElement)), ts);

    private static CommittedOp Delete(long version, long ts) => new(version, "c1", version + 1, DeleteChange.Instance, ts);

    private static void AssertSameJson(string expected, string? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual!)), $"expected {expected}, got {actual}");

    [Fact]
    public void A_create_and_its_edits_give_the_json_the_version_and_the_times()
    {
        var projection = new DocumentProjection(Note, null);
        projection.Apply(1, ordering: 40, Create(0, "json0", """{"title":"Plan","n":1}""", ts: 1000));
        projection.Apply(2, ordering: 41, Edit(1, """[{"p":["n"],"na":2},{"p":["done"],"oi":true}]""", ts: 2000));
        DocumentRow row = projection.ToRow();
        Assert.Equal(("notes", "n1", Json0OtType.Instance.Uri, 2L, (long?)1000L, 2000L, 40L), (row.Collection, row.Id, row.Type, row.Version, row.CreatedMs, row.ModifiedMs, row.CreatedOrder));
        AssertSameJson("""{"title":"Plan","n":3,"done":true}""", row.Data);
    }

    [Fact]
    public void A_row_read_back_takes_the_next_edit_and_ignores_events_it_already_has()
    {
        var first = new DocumentProjection(Note, null);
        first.Apply(1, 1, Create(0, "text-unicode", "\"hello\"", 1000));
        DocumentRow row = first.ToRow();
        Assert.Equal("\"hello\"", row.Data);

        var again = new DocumentProjection(Note, row);
        again.Apply(1, 1, Create(0, "text-unicode", "\"hello\"", 1000)); // read twice: ignored
        Assert.False(again.Changed);
        again.Apply(2, 7, Edit(1, """[5," world"]""", 3000));
        DocumentRow next = again.ToRow();
        Assert.Equal(("hello world", "\"hello world\"", 2L, 3000L, 1L), (next.Stored, next.Data, next.Version, next.ModifiedMs, next.CreatedOrder));
    }

    [Fact]
    public void An_event_after_missing_ones_is_refused_naming_them()
    {
        var projection = new DocumentProjection(Note, null);
        projection.Apply(1, 1, Create(0, "json0", "{}", 1000));
        var refused = Assert.Throws<InvalidOperationException>(() => projection.Apply(4, 9, Edit(3, """[{"p":["a"],"oi":1}]""", 2000)));
        Assert.Contains("events 2..3 are missing", refused.Message);
        Assert.Equal(1, projection.Version);
    }

    [Fact]
    public void A_deleted_document_keeps_its_row_as_a_tombstone_and_a_recreate_keeps_its_place()
    {
        var projection = new DocumentProjection(Note, null);
        projection.Apply(1, 5, Create(0, "json0", """{"n":1}""", 1000));
        projection.Apply(2, 6, Delete(1, 2000));
        DocumentRow deleted = projection.ToRow();
        Assert.Equal((null, null, null, 2L, 2000L), (deleted.Type, deleted.Stored, deleted.Data, deleted.Version, deleted.ModifiedMs));

        var again = new DocumentProjection(Note, deleted);
        again.Apply(3, 9, Create(2, "rich-text", """[{"insert":"Hi\n"}]""", 3000));
        DocumentRow recreated = again.ToRow();
        Assert.Equal((RichTextOtType.Instance.Uri, 3L, (long?)3000L, 5L), (recreated.Type, recreated.Version, recreated.CreatedMs, recreated.CreatedOrder));
        AssertSameJson("""{"ops":[{"insert":"Hi\n"}]}""", recreated.Data);
    }

    [Fact]
    public void A_written_projection_takes_further_edits_and_gives_rows_without_changing_itself()
    {
        var projection = new DocumentProjection(Note, null);
        projection.Apply(1, 1, Create(0, "text-unicode", "\"hello\"", 1000));
        DocumentRow first = projection.ToRow();
        Assert.Equal(first, projection.ToRow()); // a row given for a write that failed changed nothing
        projection.MarkWritten();
        Assert.False(projection.Changed);

        projection.Apply(2, 7, Edit(1, """[5," world"]""", 3000));
        Assert.True(projection.Changed);
        DocumentRow next = projection.ToRow();
        Assert.Equal(("hello world", "\"hello world\"", 2L, 3000L), (next.Stored, next.Data, next.Version, next.ModifiedMs));
    }
}
