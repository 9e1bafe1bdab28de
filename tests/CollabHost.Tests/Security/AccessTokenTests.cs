using System.Text;
using CollabHost.Security;

namespace CollabHost.Tests.Security;

public class AccessTokenTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(SecuredHost.Secret);

    [Fact]
    public void A_minted_token_validates_with_its_claims()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var claims = new AccessTokenClaims("alice", "Alice", now.AddMinutes(5), ["wiki/*"], ["docs/*"]);
        Assert.True(AccessToken.TryValidate(AccessToken.Create(claims, Secret, now), Secret, now, out AccessTokenClaims? read, out _));
        Assert.Equal("alice", read!.Subject);
        Assert.Equal("Alice", read.Name);
        Assert.Equal(["wiki/*"], read.Read);
        Assert.Equal(["docs/*"], read.Write);
        Assert.Equal(claims.ExpiresAt.ToUnixTimeSeconds(), read.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public void A_token_with_a_changed_payload_fails_the_signature()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string token = AccessToken.Create(new AccessTokenClaims("alice", "Alice", now.AddMinutes(5), [], ["docs/*"]), Secret, now);
        string[] parts = token.Split('.');
        string escalated = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("docs/*", "*")));
        Assert.False(AccessToken.TryValidate(parts[0] + "." + escalated + "." + parts[2], Secret, now, out _, out string error));
        Assert.Equal("bad signature", error);
    }

    [Fact]
    public void A_token_past_its_expiry_is_refused()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string token = AccessToken.Create(new AccessTokenClaims("alice", "Alice", now.AddSeconds(30), [], []), Secret, now);
        Assert.True(AccessToken.TryValidate(token, Secret, now.AddSeconds(29), out _, out _));
        Assert.False(AccessToken.TryValidate(token, Secret, now.AddSeconds(31), out _, out string error));
        Assert.Equal("token expired", error);
    }

    [Fact]
    public void The_token_command_mints_a_token_the_server_accepts()
    {
        var stdout = new StringWriter();
        int exit = DevTokenCommand.Run(["--sub", "alice", "--write", "docs/*", "--ttl", "30m", "--secret", SecuredHost.Secret],
            stdout, new StringWriter());
        Assert.Equal(0, exit);
        Assert.True(AccessToken.TryValidate(stdout.ToString().Trim(), Secret, DateTimeOffset.UtcNow, out AccessTokenClaims? claims, out _));
        Assert.Equal(["docs/*"], claims!.Write);
        Assert.InRange(claims.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));

        Assert.Equal(2, DevTokenCommand.Run(["--sub", "alice", "--secret", "short"], new StringWriter(), new StringWriter()));
    }
}
