using System.Diagnostics;
using CollabActors.Documents;
using CollabActors.Security;

namespace CollabActors.Tests.Security;

public class DocumentPatternTests
{
    [Theory]
    [InlineData("docs/*", "docs", "readme", true)]
    [InlineData("docs/*", "docsx", "readme", false)]
    [InlineData("docs", "docs", "anything", true)]
    [InlineData("docs/readme", "docs", "readme", true)]
    [InlineData("docs/readme", "docs", "readme2", false)]
    [InlineData("team-*/*", "team-red", "plan", true)]
    [InlineData("team-*/*", "teams", "plan", false)]
    [InlineData("docs/a*b*c", "docs", "aXXbYYc", true)]
    [InlineData("docs/a*b*c", "docs", "aXXbYYcd", false)]
    [InlineData("*", "any", "thing", true)]
    [InlineData("docs/*", "docs", "", true)]
    public void A_pattern_matches_collection_and_id_with_star_as_any_run(string pattern, string collection, string id, bool matches) =>
        Assert.Equal(matches, DocumentPattern.Parse(pattern).Matches(new DocumentId(collection, id)));

    [Fact]
    public void A_slash_in_an_id_cannot_escape_the_collection_part() =>
        Assert.False(DocumentPattern.Parse("public/*").Matches(new DocumentId("private", "public/x")));

    [Fact]
    public void Write_access_implies_read_and_read_access_does_not_imply_write()
    {
        var access = new ConnectionAccess("alice", "Alice", null, [DocumentPattern.Parse("wiki/*")], [DocumentPattern.Parse("docs/*")],
            ClientIdIssuer.Unbound);
        Assert.True(access.CanRead(new DocumentId("docs", "a")));
        Assert.True(access.CanWrite(new DocumentId("docs", "a")));
        Assert.True(access.CanRead(new DocumentId("wiki", "a")));
        Assert.False(access.CanWrite(new DocumentId("wiki", "a")));
        Assert.True(access.CanReadChannel("wiki.a.b"));
        Assert.False(access.CanReadChannel("secret.a"));
        Assert.False(access.CanReadChannel("lobby"));
    }

    [Theory]
    [InlineData("docs/*", "docs.a", true)]
    [InlineData("docs/*", "docs.", true)]
    [InlineData("docs/*", "doc.s", false)]
    [InlineData("a.b/c", "a.b.c", true)]
    [InlineData("a/b.c", "a.b.c", true)]
    [InlineData("a/b", "a.b.c", false)]
    [InlineData("*.x/*", "a.x.y", true)]
    [InlineData("*.x/*", "a.y.x", false)]
    [InlineData("t-*/*z", "t-1.2.z", true)]
    [InlineData("t-*/*z", "t-1.2.y", false)]
    [InlineData("docs/readme", "docs.readme", true)]
    [InlineData("docs/readme", "docs.readme.", false)]
    public void A_channel_matches_when_some_dot_splits_it_into_a_matching_collection_and_id(string pattern, string channel, bool matches)
    {
        DocumentPattern parsed = DocumentPattern.Parse(pattern);
        Assert.Equal(matches, parsed.MatchesSomeSplit(channel, '.'));
        // The same answer as trying every split one by one.
        bool bySplits = Enumerable.Range(0, channel.Length).Where(i => channel[i] == '.')
            .Any(i => parsed.Matches(new DocumentId(channel[..i], channel[(i + 1)..])));
        Assert.Equal(bySplits, parsed.MatchesSomeSplit(channel, '.'));
    }

    [Fact]
    public void A_channel_of_a_hundred_thousand_dots_is_checked_in_linear_time()
    {
        var access = new ConnectionAccess("alice", "Alice", null, [DocumentPattern.Parse("wiki/*x"), DocumentPattern.Parse("a*b/*")],
            [DocumentPattern.Parse("docs/*")], ClientIdIssuer.Unbound);
        string channel = new('.', 100_000);
        var clock = Stopwatch.StartNew();
        Assert.False(access.CanReadChannel(channel));
        Assert.False(access.CanReadChannel("wiki" + channel));
        clock.Stop();
        // Per split this was 10^10 character steps (17 s); linear it is milliseconds (the bound leaves room for a
        // loaded machine and the first call's JIT).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}
