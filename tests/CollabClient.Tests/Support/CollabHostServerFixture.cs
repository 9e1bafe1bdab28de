namespace CollabClient.Tests.Support;

/// <summary>One CollabHost per test class (tests use distinct document ids).</summary>
public sealed class CollabHostServerFixture : IAsyncLifetime
{
    private CollabHostServer? _server;

    public CollabHostServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await CollabHostServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
