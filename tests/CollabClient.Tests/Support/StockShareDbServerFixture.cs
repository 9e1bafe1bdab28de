namespace CollabClient.Tests.Support;

/// <summary>One stock ShareDB server per test class (tests use distinct document ids).</summary>
public sealed class StockShareDbServerFixture : IAsyncLifetime
{
    private StockShareDbServer? _server;

    public StockShareDbServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await StockShareDbServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
