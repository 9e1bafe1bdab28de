using Microsoft.AspNetCore.Http.Features;

namespace CollabHost;

/// <summary>
/// Puts our <see cref="CollabActors.Connections.HeartbeatStream"/> under the WebSocket ASP.NET Core accepts: for each
/// request that can become a WebSocket (an HTTP/1.1 upgrade or an HTTP/2 extended CONNECT) the server's upgrade
/// features are replaced by decorators that wrap the opaque stream they return.
/// </summary>
public static class HeartbeatStreamUpgrades
{
    /// <summary>
    /// Must come before <c>UseWebSockets</c>: the WebSocket middleware takes the upgrade features it will call when
    /// the request passes through it, so they have to be ours by then.
    /// </summary>
    public static IApplicationBuilder UseHeartbeatStreamUpgrades(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        IHttpUpgradeFeature? upgrade = context.Features.Get<IHttpUpgradeFeature>();
        IHttpExtendedConnectFeature? connect = context.Features.Get<IHttpExtendedConnectFeature>();
        bool upgradable = upgrade is { IsUpgradableRequest: true };
        bool extendedConnect = connect is { IsExtendedConnect: true };
        if (!upgradable && !extendedConnect) return next(context);

        var streams = new HeartbeatStreamFeature();
        context.Features.Set(streams);
        if (upgradable) context.Features.Set<IHttpUpgradeFeature>(new HeartbeatUpgradeFeature(upgrade!, streams));
        if (extendedConnect) context.Features.Set<IHttpExtendedConnectFeature>(new HeartbeatExtendedConnectFeature(connect!, streams));
        return next(context);
    });
}
