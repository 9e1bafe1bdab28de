using System.Text;
using CollabActors.Security;

namespace CollabActors.Tests.Security;

public class ClientIdIssuerTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("a-secret-of-at-least-32-bytes-long!!");

    [Fact]
    public void A_bound_id_can_be_resumed_by_its_subject_only()
    {
        string aliceId = ClientIdIssuer.BoundTo("alice", Secret).NewId();
        Assert.True(ClientIdIssuer.BoundTo("alice", Secret).MayResume(aliceId));
        Assert.False(ClientIdIssuer.BoundTo("mallory", Secret).MayResume(aliceId));
        Assert.False(ClientIdIssuer.BoundTo("alice", Encoding.UTF8.GetBytes("another-secret-of-32-bytes-or-more")).MayResume(aliceId));
        Assert.False(ClientIdIssuer.BoundTo("alice", Secret).MayResume(aliceId[..^1] + (aliceId[^1] == 'A' ? 'B' : 'A')));
        Assert.False(ClientIdIssuer.BoundTo("alice", Secret).MayResume("no-dot-here"));
        Assert.False(ClientIdIssuer.BoundTo("alice", Secret).MayResume("!!.??"));
    }

    [Fact]
    public void Ids_are_unique_and_fit_the_handshake_limit()
    {
        var issuer = ClientIdIssuer.BoundTo("alice", Secret);
        var ids = Enumerable.Range(0, 1000).Select(_ => issuer.NewId()).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id => Assert.InRange(id.Length, 20, 128));
    }
}
