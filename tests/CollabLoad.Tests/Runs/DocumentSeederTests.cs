using CollabClient;
using CollabClient.Tests.Support;
using CollabLoad.Options;
using CollabLoad.Runs;

namespace CollabLoad.Tests.Runs;

/// <summary>Seeding the run's documents against CollabHost with its default per-connection rate limits.</summary>
public sealed class DocumentSeederTests(CollabHostServerFixture fixture) : IClassFixture<CollabHostServerFixture>
{
    [Fact]
    public async Task Seeding_more_documents_than_one_connection_may_create_at_once_creates_them_all()
    {
        // 250 creates are more than the default burst of 100 ops one connection may send.
        List<string> ids = Enumerable.Range(0, 250).Select(i => $"seed-{Guid.NewGuid():N}-{i}").ToList();
        var options = new LoadOptions { Url = fixture.Server.Url, Collection = "seeded" };

        await DocumentSeeder.SeedAsync(options, ids, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        await using CollabConnection reader = await CollabConnection.ConnectAsync(fixture.Server.Url);
        foreach (string[] chunk in ids.Chunk(50))
        {
            DocumentSnapshot[] snapshots = await Task.WhenAll(chunk.Select(id => reader.FetchSnapshotAsync("seeded", id)));
            Assert.All(snapshots, s => Assert.Equal(DocumentSeeder.StartingText, s.Text));
        }
    }

    [Fact]
    public async Task Seeding_documents_that_exist_leaves_them_as_they_are()
    {
        string id = $"seed-{Guid.NewGuid():N}";
        await using CollabConnection writer = await CollabConnection.ConnectAsync(fixture.Server.Url);
        CollabDocument doc = writer.GetDocument("seeded", id);
        await doc.FetchAsync();
        await doc.CreateAsync("already here");

        await DocumentSeeder.SeedAsync(new LoadOptions { Url = fixture.Server.Url, Collection = "seeded" }, [id], CancellationToken.None);

        Assert.Equal("already here", (await writer.FetchSnapshotAsync("seeded", id)).Text);
    }
}
