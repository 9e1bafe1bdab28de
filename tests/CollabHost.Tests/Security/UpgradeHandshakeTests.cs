namespace CollabHost.Tests.Security;

/// <summary>
/// The opening handshake as RFC 6455 has it (issue 19 item 12): a key that is not 16 bytes of base64 is a bad
/// request, and a version other than 13 is answered 426 naming the version the server speaks.
/// </summary>
public class UpgradeHandshakeTests
{
    private static string KeyOf(int bytes) => "Sec-WebSocket-Key: " + Convert.ToBase64String(new byte[bytes]);

    private const string Version13 = "Sec-WebSocket-Version: 13";

    [Theory]
    [InlineData("Sec-WebSocket-Key: not a key")]
    [InlineData("Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA")] // 16 bytes, but without the padding base64 has
    [InlineData("Sec-WebSocket-Key: !AAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==")] // two keys
    public async Task A_key_that_is_not_sixteen_bytes_of_base64_gets_400(string key)
    {
        await using var host = await SecuredHost.StartAsync(false);

        RawHttpRequest.Answer answer = await RawHttpRequest.UpgradeAsync(host.HttpUrl.Port, Version13, key);

        Assert.Equal(400, answer.Status);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }

    [Fact]
    public async Task Keys_of_fifteen_or_seventeen_bytes_get_400_and_one_of_sixteen_gets_101()
    {
        await using var host = await SecuredHost.StartAsync(false);
        int port = host.HttpUrl.Port;

        Assert.Equal(400, (await RawHttpRequest.UpgradeAsync(port, Version13, KeyOf(15))).Status);
        Assert.Equal(400, (await RawHttpRequest.UpgradeAsync(port, Version13, KeyOf(17))).Status);
        // The sample nonce of RFC 6455 §1.3, with the accept value the RFC gives for it.
        RawHttpRequest.Answer sample = await RawHttpRequest.UpgradeAsync(port, Version13, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        Assert.Equal(101, sample.Status);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", sample.Headers["Sec-WebSocket-Accept"]);
    }

    [Theory]
    [InlineData("Sec-WebSocket-Version: 8")]
    [InlineData("Sec-WebSocket-Version: 14")]
    [InlineData("")] // none at all
    public async Task A_version_other_than_13_gets_426_naming_version_13(string version)
    {
        await using var host = await SecuredHost.StartAsync(false);

        RawHttpRequest.Answer answer = await RawHttpRequest.UpgradeAsync(host.HttpUrl.Port, version, KeyOf(16));

        Assert.Equal(426, answer.Status);
        Assert.Equal("13", answer.Headers["Sec-WebSocket-Version"]);
        await Bystander.AssertServedAsync(host.WebSocketUrl);
    }
}
