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
}
