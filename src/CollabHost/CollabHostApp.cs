using System.Net;
using CollabActors.Connections;
using CollabHost.DirectWebSockets;
using CollabHost.ReadModel;
using CollabHost.Security;
using Microsoft.AspNetCore.HttpOverrides;

namespace CollabHost;

/// <summary>Builds the CollabSuite web host: the same composition for `dotnet run` and for tests.</summary>
public static class CollabHostApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(CollabOptions.Section).Get<CollabOptions>() ?? new CollabOptions();
        builder.Services.Configure<CollabOptions>(builder.Configuration.GetSection(CollabOptions.Section));
        builder.Services.AddCollabActors(options, builder.Configuration);
        builder.Services.AddSingleton(new ConnectionLimiter(options.Limits));
        builder.Services.AddSingleton(new AddressCreateBudget(options.Limits.CreatesPerSecondPerIp, options.Limits.CreateBurstPerIp));
        builder.Services.AddSingleton(new InboundByteBudget(options.Limits.MaxInboundFrameBytesPerNode, options.Connections.MaxFrameBytes));
        // Host filtering (on in every ASP.NET Core host) answers 400 to Host headers not in AllowedHosts.
        IReadOnlyList<string> allowedHosts = AllowedHosts.ApplyDefault(builder.Configuration);
        builder.Services.AddSingleton(new OriginPolicy(options.AllowedOrigins, allowedHosts));
        // Request-start logs carry the query string, where browsers put the access token: keep them out of the log.
        // None rather than Warning (the category logs nothing between): at any level ASP.NET Core gives every request an
        // Activity and a logging scope, which a WebSocket keeps for its whole life, about 700 bytes of heap per
        // connection (docs/benchmarks.md, "What an idle connection holds").
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Services.AddCollabAuthentication(options.Auth); // fails fast on settings that cannot work
        if (options.Queries.Enabled) builder.Services.AddReadModel(options);
        ForwardedHeadersOptions forwarded = ForwardedClientAddress.Options(options.Limits.TrustedProxies); // fails fast on a bad entry
        // Every TCP connection counts until it is a WebSocket, and all of them stay under the descriptor limit.
        long? descriptors = FileDescriptorLimit.Read();
        Func<IPAddress, bool> isTrustedProxy = address => options.Limits.TrustedProxies.Count > 0 && ForwardedClientAddress.IsTrusted(forwarded, address);
        var pending = new PendingConnectionLimiter(options.Limits.MaxPendingConnectionsPerIp,
            options.Limits.MaxPendingConnectionsPerNode, FileDescriptorLimit.OpenConnectionCap(descriptors, options.Limits.FileDescriptorHeadroom),
            isTrustedProxy);
        builder.Services.AddSingleton(pending);
        builder.Services.AddSingleton<WebSocketSessions>();
        builder.Services.AddSingleton(services => new DirectWebSocketUpgrade(services, isTrustedProxy, allowedHosts));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            // Every connection counted before a byte is read, then served: plain handshakes for /ws answered on the
            // connection, without an HTTP request kept for the socket's life, and the rest by the HTTP layer.
            listen.Use(http => PendingConnectionGate.Wrap(
                options.DirectWebSockets
                    ? listen.ApplicationServices.GetRequiredService<DirectWebSocketUpgrade>().Wrap(http)
                    : PendingConnectionGate.OverHttp(http),
                pending));
        }));

        var app = builder.Build();
        if (options.Auth.Enabled) app.Services.GetRequiredService<SigningKeys>(); // reads a JWKS file now: a bad one fails the start
        // Said when the host is up (after "Now listening on"), where whoever started it looks.
        if (!options.Auth.Enabled)
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
                "AUTHENTICATION IS OFF (Collab:Auth:Enabled=false): anyone who reaches /ws can read and write every " +
                "document. Fine on a laptop; never expose this host."));
        if (FileDescriptorLimit.MisfitWarning(descriptors, options.Limits) is { } misfit)
            app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning("{Misfit}", misfit));
        if (options.Limits.TrustedProxies.Count > 0) app.UseForwardedHeaders(forwarded);
        // ASP.NET Core answers the WebSocket handshake (HTTP/1.1 upgrade and HTTP/2 extended CONNECT), over our stream.
        app.UseHeartbeatStreamUpgrades();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoints();
        app.MapWebSocketEndpoints();
        app.MapDocumentApiEndpoints();
        app.MapDocumentQueryEndpoints();
        app.MapDemoEndpoints();
        return app;
    }
}
