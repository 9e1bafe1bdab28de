using Microsoft.AspNetCore.Http.Features;

namespace CollabHost;

/// <summary>
/// Kestrel's HTTP/1.1 upgrade (the <c>101 Switching Protocols</c>) with the connection's opaque stream handed out
/// wrapped in a <see cref="CollabActors.Connections.HeartbeatStream"/>, so the WebSocket ASP.NET Core builds on it
/// writes through our corking and every byte it reads passes the heartbeat's clock.
/// </summary>
internal sealed class HeartbeatUpgradeFeature(IHttpUpgradeFeature inner, HeartbeatStreamFeature streams) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => streams.Wrap(await inner.UpgradeAsync().ConfigureAwait(false));
}
