using CollabHost;
using Microsoft.AspNetCore.Builder;

namespace CollabClient.Tests.Support;

/// <summary>
/// CollabHost as `dotnet run` composes it (CollabHostApp.Build), started in the test process on a free port with its
/// own data folder, for the duration of a test class.
/// </summary>
public sealed class CollabHostServer : IProtocolServer, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDir;

    private CollabHostServer(WebApplication app, string dataDir, Uri url)
    {
        _app = app;
        _dataDir = dataDir;
        Url = url;
    }

    public string Name => "CollabHost";

    public Uri Url { get; }

    /// <summary>Starts a host; <paramref name="settings"/> are extra configuration arguments (<c>--Collab:…=value</c>).</summary>
    public static async Task<CollabHostServer> StartAsync(params string[] settings)
    {
        string dataDir = Directory.CreateTempSubdirectory("collabhost-test-").FullName;
        WebApplication app = CollabHostApp.Build([
            "--urls", "http://127.0.0.1:0",
            $"--{CollabOptions.Section}:DataDir={dataDir}",
            // Request logs of every test would drown the output a failure needs.
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
            throw;
        }
        var http = new Uri(app.Urls.First());
        return new CollabHostServer(app, dataDir, new Uri($"ws://{http.Host}:{http.Port}/ws"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }
}
