using Microsoft.AspNetCore.Http.Features;

namespace CollabHost;

/// <summary>
/// Kestrel's HTTP/2 extended CONNECT (RFC 8441: a WebSocket as one stream of an HTTP/2 connection) with the stream's
/// body handed out wrapped in a <see cref="CollabActors.Connections.HeartbeatStream"/>, as
/// <see cref="HeartbeatUpgradeFeature"/> does for HTTP/1.1. WebSocket frames are the same inside an HTTP/2 stream, so
/// the pings and the corked batches the stream writes are too.
/// </summary>
internal sealed class HeartbeatExtendedConnectFeature(IHttpExtendedConnectFeature inner, HeartbeatStreamFeature streams)
    : IHttpExtendedConnectFeature
{
    public bool IsExtendedConnect => inner.IsExtendedConnect;

    public string? Protocol => inner.Protocol;

    public async ValueTask<Stream> AcceptAsync() => streams.Wrap(await inner.AcceptAsync().ConfigureAwait(false));
}
