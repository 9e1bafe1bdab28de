using CollabActors.Documents;
using CollabHost.ReadModel;

namespace CollabHost.Tests.ReadModel;

/// <summary>The projector's bounded memory of the documents it wrote most recently.</summary>
public sealed class RecentProjectionsTests
{
    private static DocumentId Doc(int i) => new("notes", "n" + i);

    private static DocumentProjection Projection(int i) => new(Doc(i), null);

    [Fact]
    public void Past_its_capacity_it_drops_the_least_recently_used_document()
    {
        var recent = new RecentProjections(capacity: 2);
        recent.Put(Doc(1), Projection(1));
        recent.Put(Doc(2), Projection(2));
        Assert.True(recent.TryGet(Doc(1), out _)); // 1 is now the more recent
        recent.Put(Doc(3), Projection(3));

        Assert.Equal(2, recent.Count);
        Assert.True(recent.TryGet(Doc(1), out _));
        Assert.False(recent.TryGet(Doc(2), out _));
        Assert.True(recent.TryGet(Doc(3), out _));
    }

    [Fact]
    public void Putting_a_document_again_replaces_its_projection_without_growing()
    {
        var recent = new RecentProjections(capacity: 2);
        DocumentProjection second = Projection(1);
        recent.Put(Doc(1), Projection(1));
        recent.Put(Doc(1), second);

        Assert.Equal(1, recent.Count);
        Assert.True(recent.TryGet(Doc(1), out DocumentProjection kept));
        Assert.Same(second, kept);
    }

    [Fact]
    public void A_removed_or_cleared_document_is_not_found()
    {
        var recent = new RecentProjections(capacity: 4);
        recent.Put(Doc(1), Projection(1));
        recent.Put(Doc(2), Projection(2));
        recent.Remove(Doc(1));
        Assert.False(recent.TryGet(Doc(1), out _));
        recent.Clear();
        Assert.False(recent.TryGet(Doc(2), out _));
        Assert.Equal(0, recent.Count);
    }
}
