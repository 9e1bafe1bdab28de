using System.Collections.Concurrent;
using System.Text;
using CollabHost.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CollabHost.Tests.Security;

/// <summary>
/// The real CollabHost in-process on a free port, with authentication on (a test secret) unless told otherwise, and
/// every log line it writes kept in <see cref="Logs"/> so tests can check what it never logs.
/// </summary>
public sealed class SecuredHost : IAsyncDisposable
{
    public const string Secret = "test-secret-test-secret-test-secret!";

    private readonly WebApplication _app;
    private readonly string _dataDir;

    private SecuredHost(WebApplication app, string dataDir)
    {
        _app = app;
        _dataDir = dataDir;
    }

    public ConcurrentQueue<string> Logs { get; } = new();

    public static async Task<SecuredHost> StartAsync(bool auth = true, params string[] settings)
    {
        string dataDir = Directory.CreateTempSubdirectory("collab-security-").FullName;
        WebApplication app = CollabHostApp.Build([
            "--urls", "http://127.0.0.1:0", $"--Collab:DataDir={dataDir}", "--Logging:LogLevel:Default=Warning",
            $"--Collab:Auth:Enabled={auth}", $"--Collab:Auth:Secret={Secret}", .. settings]);
        var host = new SecuredHost(app, dataDir);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(new CapturingLoggerProvider(host.Logs));
        await app.StartAsync();
        return host;
    }

    public WebApplication App => _app;

    public Uri HttpUrl => new(_app.Urls.First());

    public Uri WebSocketUrl => new($"ws://{HttpUrl.Authority}/ws");

    public static string Token(string subject, string[]? read = null, string[]? write = null, TimeSpan? lifetime = null, string? name = null)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var claims = new AccessTokenClaims(subject, name ?? subject, now + (lifetime ?? TimeSpan.FromHours(1)), read ?? [], write ?? []);
        return AccessToken.Create(claims, Encoding.UTF8.GetBytes(Secret), now);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A journal file still closing; the temp folder is cleaned by the OS.
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
