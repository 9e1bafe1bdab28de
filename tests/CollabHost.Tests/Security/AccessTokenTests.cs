using System.Security.Claims;
using System.Text;
using CollabHost.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CollabHost.Tests.Security;

/// <summary>HS256 tokens (the <c>token</c> command's) through the same validation the host runs.</summary>
public class AccessTokenTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(SecuredHost.Secret);
    private static readonly AuthOptions Auth = new() { Enabled = true, Secret = SecuredHost.Secret };

    private static async Task<TokenValidationResult> ValidateAsync(string token, AuthOptions? auth = null)
    {
        using var keys = new SigningKeys(auth ?? Auth, NullLogger<SigningKeys>.Instance);
        return await new JsonWebTokenHandler { MapInboundClaims = false }
            .ValidateTokenAsync(token, CollabAuthentication.ValidationParameters(auth ?? Auth, keys));
    }

    [Fact]
    public async Task A_minted_token_validates_with_its_claims()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var claims = new AccessTokenClaims("alice", "Alice", now.AddMinutes(5), ["wiki/*"], ["docs/*"]);
        TokenValidationResult result = await ValidateAsync(AccessToken.Create(claims, Secret, now));
        Assert.True(result.IsValid, result.Exception?.Message);
        AccessTokenClaims read = AccessTokenClaims.From(new ClaimsPrincipal(result.ClaimsIdentity));
        Assert.Equal("alice", read.Subject);
        Assert.Equal("Alice", read.Name);
        Assert.Equal(["wiki/*"], read.Read);
        Assert.Equal(["docs/*"], read.Write);
        Assert.Equal(claims.ExpiresAt.ToUnixTimeSeconds(), read.ExpiresAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_token_with_a_changed_payload_fails_the_signature()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string token = AccessToken.Create(new AccessTokenClaims("alice", "Alice", now.AddMinutes(5), [], ["docs/*"]), Secret, now);
        string[] parts = token.Split('.');
        string escalated = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("docs/*", "*")));
        TokenValidationResult result = await ValidateAsync(parts[0] + "." + escalated + "." + parts[2]);
        Assert.False(result.IsValid);
        Assert.IsAssignableFrom<SecurityTokenSignatureKeyNotFoundException>(result.Exception);
    }

    [Fact]
    public async Task A_token_past_its_expiry_by_more_than_the_clock_skew_is_refused()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string Expired(TimeSpan ago) => AccessToken.Create(new AccessTokenClaims("alice", "Alice", now - ago, [], []), Secret, now.AddHours(-1));
        Assert.True((await ValidateAsync(Expired(TimeSpan.FromSeconds(10)))).IsValid);
        TokenValidationResult late = await ValidateAsync(Expired(TimeSpan.FromSeconds(60)));
        Assert.False(late.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(late.Exception);
        Assert.False((await ValidateAsync(Expired(TimeSpan.FromSeconds(10)), new AuthOptions
        {
            Enabled = true, Secret = SecuredHost.Secret, ClockSkew = TimeSpan.Zero,
        })).IsValid);
    }

    [Fact]
    public async Task A_token_without_an_expiry_is_refused()
    {
        string header = Base64UrlEncoder.Encode("""{"alg":"HS256","typ":"JWT"}""");
        string payload = Base64UrlEncoder.Encode("""{"sub":"alice","write":["*"]}""");
        string signature = Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes(header + "." + payload)));
        TokenValidationResult result = await ValidateAsync(header + "." + payload + "." + signature);
        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenNoExpirationException>(result.Exception);
    }

    [Fact]
    public async Task The_token_command_mints_a_token_the_server_accepts()
    {
        var stdout = new StringWriter();
        int exit = DevTokenCommand.Run(["--sub", "alice", "--write", "docs/*", "--ttl", "30m", "--secret", SecuredHost.Secret],
            stdout, new StringWriter());
        Assert.Equal(0, exit);
        TokenValidationResult result = await ValidateAsync(stdout.ToString().Trim());
        Assert.True(result.IsValid, result.Exception?.Message);
        AccessTokenClaims claims = AccessTokenClaims.From(new ClaimsPrincipal(result.ClaimsIdentity));
        Assert.Equal(["docs/*"], claims.Write);
        Assert.InRange(claims.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));

        Assert.Equal(2, DevTokenCommand.Run(["--sub", "alice", "--secret", "short"], new StringWriter(), new StringWriter()));
    }
}
