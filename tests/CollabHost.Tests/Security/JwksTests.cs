using System.Net;
using Microsoft.IdentityModel.Tokens;

namespace CollabHost.Tests.Security;

/// <summary>
/// Tokens from an identity provider (RS256, ES256) checked against its JWKS, with issuer, audience, expiry and clock
/// skew, on both <c>/ws</c> and <c>/api</c>, against the real host; keys are generated in the test.
/// </summary>
public class JwksTests
{
    private static readonly string[] ProviderChecks =
        [$"--Collab:Auth:Issuers:0={TestIdentityProvider.Issuer}", $"--Collab:Auth:Audiences:0={TestIdentityProvider.Audience}"];

    [Fact]
    public async Task A_token_signed_with_a_key_of_the_JWKS_file_is_accepted_and_wrong_audience_issuer_expiry_alg_none_or_key_get_401()
    {
        var provider = new TestIdentityProvider();
        SecurityKey rsa = TestIdentityProvider.NewRsaKey("rsa-1"), ec = TestIdentityProvider.NewEcKey("ec-1");
        provider.Publish(rsa);
        provider.Publish(ec);
        string jwks = Path.GetTempFileName();
        await File.WriteAllTextAsync(jwks, provider.Jwks());
        try
        {
            await using var host = await SecuredHost.StartAsync(true, [$"--Collab:Auth:JwksFile={jwks}", .. ProviderChecks]);
            string valid = TestIdentityProvider.Token(rsa);

            Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(host, valid));
            Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(host, TestIdentityProvider.Token(ec)));
            Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(host,
                TestIdentityProvider.Token(rsa, expires: DateTime.UtcNow.AddSeconds(-5)))); // within the 30 s clock skew
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, TestIdentityProvider.Token(rsa, audience: "another-api")));
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, TestIdentityProvider.Token(rsa, issuer: "https://evil.example/")));
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host,
                TestIdentityProvider.Token(rsa, expires: DateTime.UtcNow.AddMinutes(-2))));
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, TestIdentityProvider.UnsignedToken(valid)));
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, TestIdentityProvider.Token(TestIdentityProvider.NewRsaKey("rsa-1"))));
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, TestIdentityProvider.Token(TestIdentityProvider.NewRsaKey("not-in-set"))));
            // HS256 needs the issuer and audience too once they are checked.
            Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, SecuredHost.Token("alice", write: ["docs/*"])));

            // One policy guards /api too: 401 without a good token, and a good one reaches the endpoint (404: no such document).
            using var http = new HttpClient { BaseAddress = host.HttpUrl };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/docs/docs/none?token=" + TestIdentityProvider.Token(rsa, audience: "x"))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/docs/docs/none?token=" + TestIdentityProvider.UnsignedToken(valid))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/docs/docs/none?token=" + valid)).StatusCode);
        }
        finally
        {
            File.Delete(jwks);
        }
    }

    [Fact]
    public async Task A_key_the_provider_adds_to_its_JWKS_is_accepted_without_a_restart()
    {
        await using var provider = new TestIdentityProvider();
        SecurityKey first = TestIdentityProvider.NewRsaKey("2026-11"), next = TestIdentityProvider.NewRsaKey("2026-12");
        provider.Publish(first);
        Uri jwksUrl = await provider.ServeAsync();
        await using var host = await SecuredHost.StartAsync(true,
            [$"--Collab:Auth:JwksUrl={jwksUrl}", "--Collab:Auth:JwksMinRefreshInterval=00:00:00", .. ProviderChecks]);

        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(host, TestIdentityProvider.Token(first)));
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(host, TestIdentityProvider.Token(next)));
        int fetches = provider.JwksRequests;

        provider.Publish(next); // the provider rotates: the new key appears in its JWKS
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(host, TestIdentityProvider.Token(next)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await UpgradeAsync(host, TestIdentityProvider.Token(first)));
        Assert.Equal(fetches + 1, provider.JwksRequests); // fetched for the unknown key id, not per token
    }

    [Fact]
    public void Settings_that_cannot_work_fail_the_start_with_the_setting_named()
    {
        Exception noClientIdKey = Assert.Throws<InvalidOperationException>(() => CollabHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Collab:Auth:Enabled=true", "--Collab:Auth:JwksUrl=https://idp.example/jwks.json"]));
        Assert.Contains("ClientIdSecret", noClientIdKey.Message);
        Exception plainHttp = Assert.Throws<InvalidOperationException>(() => CollabHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Collab:Auth:Enabled=true", $"--Collab:Auth:Secret={SecuredHost.Secret}",
             "--Collab:Auth:JwksUrl=http://idp.example/jwks.json"]));
        Assert.Contains("JwksUrl", plainHttp.Message);
        Exception noKey = Assert.Throws<InvalidOperationException>(() => CollabHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Collab:Auth:Enabled=true"]));
        Assert.Contains("needs a key", noKey.Message);
        Exception noFile = Assert.Throws<InvalidOperationException>(() => CollabHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--Collab:Auth:Enabled=true", $"--Collab:Auth:Secret={SecuredHost.Secret}",
             "--Collab:Auth:JwksFile=/nonexistent/jwks.json"]));
        Assert.Contains("JwksFile", noFile.Message);
    }

    private static Task<HttpStatusCode> UpgradeAsync(SecuredHost host, string token) =>
        ProtocolSocket.UpgradeStatusAsync(host.WebSocketUrl, token, bearerHeader: true);
}
