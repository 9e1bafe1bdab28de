using CollabClient.Tests.Support;

namespace CollabLoad.Tests.Support;

/// <summary>
/// One CollabHost per test class, configured as a deployment under load test would be: a closed-loop simulated editor
/// submits as fast as acks come back, far above the per-connection rate limits set for people (50 ops/s), so those
/// limits are raised; everything else is the host's default.
/// </summary>
public sealed class LoadTestCollabHostFixture : IAsyncLifetime
{
    private CollabHostServer? _server;

    public CollabHostServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _server = await CollabHostServer.StartAsync(
        "--Collab:Connections:MessagesPerSecond=100000", "--Collab:Connections:MessageBurst=100000",
        "--Collab:Connections:OpsPerSecond=100000", "--Collab:Connections:OpBurst=100000",
        "--Collab:Connections:CreatesPerSecond=100000", "--Collab:Connections:CreateBurst=100000",
        "--Collab:Limits:CreatesPerSecondPerIp=100000", "--Collab:Limits:CreateBurstPerIp=100000");

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
