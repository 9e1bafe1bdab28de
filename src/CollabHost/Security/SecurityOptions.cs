namespace CollabHost.Security;

/// <summary>
/// Authentication of <c>/ws</c> and <c>/api</c> (<c>Collab:Auth</c>): JWT bearer tokens checked by ASP.NET Core's
/// JwtBearer handler. Off by default so a laptop runs without setup; the host then logs a warning at start, and anyone
/// who reaches <c>/ws</c> may read and write every document. On, a token is accepted when it is signed with the
/// <see cref="Secret"/> (HS256) or with a key of the JWKS (RS256, ES256) from <see cref="JwksFile"/> or
/// <see cref="JwksUrl"/>.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Tokens need this many bytes of secret at least (HS256 and the client-id key).</summary>
    public const int MinSecretBytes = 32;

    /// <summary>Require an access token on every <c>/ws</c> upgrade and <c>/api</c> request.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// HMAC-SHA256 key for HS256 tokens (those the <c>token</c> command mints), at least 32 bytes of UTF-8. Empty: HS256
    /// tokens are refused. Keep it out of the repository (environment <c>Collab__Auth__Secret</c>).
    /// </summary>
    public string Secret { get; set; } = "";

    /// <summary>A JSON Web Key Set file (RFC 7517) with the identity provider's public keys; re-read when it changes.</summary>
    public string JwksFile { get; set; } = "";

    /// <summary>
    /// The identity provider's JWKS address (<c>https://idp.example.com/.well-known/jwks.json</c>); https, or http to a
    /// loopback address. Fetched at the first token, again every <see cref="JwksRefreshInterval"/>, and at once (at most
    /// every <see cref="JwksMinRefreshInterval"/>) when a token names a key id the set does not have: a provider that
    /// rotates its keys is followed without a restart.
    /// </summary>
    public string JwksUrl { get; set; } = "";

    /// <summary>How old the fetched JWKS may get before it is fetched again.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The least time between two fetches caused by unknown key ids, so forged key ids cannot make the host hammer the provider.</summary>
    public TimeSpan JwksMinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Accepted <c>iss</c> values; empty: the issuer is not checked (tokens of the <c>token</c> command have none unless one is configured).</summary>
    public List<string> Issuers { get; set; } = [];

    /// <summary>Accepted <c>aud</c> values; empty: the audience is not checked.</summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Slack for clocks that disagree, applied to <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The key client ids are bound to their subject with (see ClientIdIssuer), shared by every node; at least 32
    /// bytes. Empty: <see cref="Secret"/>. Required when tokens come from a JWKS alone.
    /// </summary>
    public string ClientIdSecret { get; set; } = "";

    /// <summary>Lifetime of a token minted by the <c>token</c> command when none is given.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The HS256 key's bytes; throws when the secret is too short to be safe.</summary>
    public byte[] SecretBytes() => KeyBytes(Secret, "Secret");

    /// <summary>The key client ids are bound with.</summary>
    public byte[] ClientIdKey() => ClientIdSecret.Length > 0 ? KeyBytes(ClientIdSecret, "ClientIdSecret") : SecretBytes();

    /// <summary>Throws, naming the setting, when authentication is on and the settings cannot work.</summary>
    public void Validate()
    {
        if (!Enabled) return;
        if (Secret.Length == 0 && JwksFile.Length == 0 && JwksUrl.Length == 0)
            throw new InvalidOperationException(
                "Collab:Auth:Enabled=true needs a key: Collab:Auth:Secret (HS256), Collab:Auth:JwksFile or Collab:Auth:JwksUrl.");
        if (Secret.Length > 0) SecretBytes();
        if (ClientIdSecret.Length == 0 && Secret.Length == 0)
            throw new InvalidOperationException(
                "Collab:Auth:ClientIdSecret (at least 32 bytes, the same on every node) is required when tokens come from a JWKS alone.");
        ClientIdKey();
        if (JwksUrl.Length > 0)
        {
            if (!Uri.TryCreate(JwksUrl, UriKind.Absolute, out Uri? url)
                || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
                throw new InvalidOperationException(
                    $"Collab:Auth:JwksUrl '{JwksUrl}' must be an https address (http only to a loopback address).");
        }
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(10))
            throw new InvalidOperationException($"Collab:Auth:ClockSkew {ClockSkew} must be between 0 and 10 minutes.");
    }

    private static byte[] KeyBytes(string value, string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(value);
        if (bytes.Length < MinSecretBytes)
            throw new InvalidOperationException($"Collab:Auth:{name} must be at least {MinSecretBytes} bytes (it is {bytes.Length}).");
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

    /// <summary>
    /// New documents per second all connections from one client address may create together (a token bucket the
    /// address's connections share, beside each connection's <c>Collab:Connections:CreatesPerSecond</c>), so more
    /// sockets buy no more creates. A create over it gets <c>ERR_RATE_LIMITED</c> and nothing is created. Each create
    /// starts a document that reads the journal and stays in memory until it passivates (issue 19 item 10). Behind a
    /// proxy, list it in <see cref="TrustedProxies"/> or every client shares the proxy's budget.
    /// </summary>
    public double CreatesPerSecondPerIp { get; set; } = 30;

    /// <summary>Creates one address may make at once above <see cref="CreatesPerSecondPerIp"/>.</summary>
    public int CreateBurstPerIp { get; set; } = 100;

    /// <summary>Open WebSockets on this node; more get 503, and the load balancer tries another node.</summary>
    public int MaxConnectionsPerNode { get; set; } = 20_000;

    /// <summary>
    /// TCP connections from one client address that are not WebSockets (yet): a request still arriving, an upgrade
    /// being checked, a keep-alive HTTP connection. More are closed as soon as they are accepted (issue 19 item 3).
    /// A browser opens a handful; connections from <see cref="TrustedProxies"/> count for the node only.
    /// </summary>
    public int MaxPendingConnectionsPerIp { get; set; } = 128;

    /// <summary>TCP connections on this node that are not WebSockets (yet); more are closed as soon as they are accepted.</summary>
    public int MaxPendingConnectionsPerNode { get; set; } = 2_000;

    /// <summary>
    /// File descriptors kept back from connections for everything else the process opens (journal files, the
    /// database pool, cluster sockets, logs, the runtime's own). The node holds at most the descriptor limit less this
    /// many connections of any kind (half the limit when it is smaller than twice this), and warns at start when
    /// <see cref="MaxConnectionsPerNode"/> and <see cref="MaxPendingConnectionsPerNode"/> do not fit under it.
    /// </summary>
    public int FileDescriptorHeadroom { get; set; } = 512;

    /// <summary>
    /// Bytes all frames still being read on this node may hold together (issue 19 item 6). A frame may be as large as
    /// a document can be (<c>Collab:Connections:MaxFrameBytes</c>, which this must hold at least once); when the
    /// budget is spent, sockets in the middle of a large frame stop being read until others finish. The first 16 KiB
    /// of each frame are outside it, so small messages never wait.
    /// </summary>
    public long MaxInboundFrameBytesPerNode { get; set; } = 256L * 1024 * 1024;
}
