using Microsoft.AspNetCore.Builder;

namespace CollabHost.Tests.Support;

/// <summary>A CollabHost started in this process on a free port against a <see cref="JournalStore"/>.</summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, Uri http)
    {
        _app = app;
        Http = http;
    }

    public Uri Http { get; }

    public Uri WebSocket => new UriBuilder(Http) { Scheme = Http.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;

    public IServiceProvider Services => _app.Services;

    public static async Task<InProcessHost> StartAsync(JournalStore store, params string[] settings)
    {
        WebApplication app = CollabHostApp.Build(["--urls", "http://127.0.0.1:0", .. store.HostArguments(), .. settings]);
        await app.StartAsync();
        return new InProcessHost(app, new Uri(app.Urls.First()));
    }

    /// <summary>Stops the host (and its actor system) the way a shutdown does.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
