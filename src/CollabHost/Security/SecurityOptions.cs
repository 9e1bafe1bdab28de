namespace CollabHost.Security;

/// <summary>
/// Authentication at the upgrade (<c>Collab:Auth</c>). Off by default so a laptop runs without setup; the host then
/// logs a warning at start, and anyone who reaches <c>/ws</c> may read and write every document.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Require an access token (HS256 JWT signed with <see cref="Secret"/>) on every upgrade.</summary>
    public bool Enabled { get; set; }

    /// <summary>The HMAC-SHA256 key tokens are signed with, at least 32 bytes of UTF-8. Keep it out of the repository (environment <c>Collab__Auth__Secret</c>).</summary>
    public string Secret { get; set; } = "";

    /// <summary>Lifetime of a token minted by the <c>token</c> command when none is given.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The secret's bytes; throws when authentication is on and the secret is too short to be safe.</summary>
    public byte[] SecretBytes()
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(Secret);
        if (bytes.Length < AccessToken.MinSecretBytes)
            throw new InvalidOperationException(
                $"Collab:Auth:Secret must be at least {AccessToken.MinSecretBytes} bytes (it is {bytes.Length}).");
        return bytes;
    }
}

/// <summary>How many sockets one client address and the whole node may hold (<c>Collab:Limits</c>).</summary>
public sealed class ConnectionLimitOptions
{
    /// <summary>
    /// Open WebSockets per client IP address; more get 429. The client's address is the TCP peer's, or, for a
    /// connection from one of the <see cref="TrustedProxies"/>, the address that proxy put last in X-Forwarded-For.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = 500;

    /// <summary>
    /// Reverse proxies (IP addresses, or networks such as <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c> names the
    /// client. Empty (the default): the header is ignored, because anyone could send it to escape the per-address
    /// limit; behind a proxy every client would then share the proxy's address and its 500 connections.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Open WebSockets on this node; more get 503, and the load balancer tries another node.</summary>
    public int MaxConnectionsPerNode { get; set; } = 20_000;
}
