using CollabClient.Tests.Support;
using CollabLoad.Options;
using CollabLoad.Reporting;
using CollabLoad.Runs;
using CollabLoad.Tests.Support;
using Xunit.Abstractions;

namespace CollabLoad.Tests.Runs;

/// <summary>
/// A big room in miniature against CollabHost: 200 editors in one document, 20 of them typing, for a few seconds.
/// Asserts zero errors and that every editor converges; never a speed (the full-size run is in docs/benchmarks.md).
/// </summary>
public sealed class BigRoomShortRunTests(CollabHostServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<CollabHostServerFixture>
{
    [Fact]
    public async Task Two_hundred_editors_in_one_document_converge_without_errors()
    {
        var options = new LoadOptions
        {
            Url = fixture.Server.Url,
            Docs = 1,
            EditorsPerDoc = 200,
            TypistsPerDoc = 20,
            Rate = 2,
            Mode = LoadMode.Open,
            Duration = TimeSpan.FromSeconds(4),
            RampUp = TimeSpan.FromSeconds(2),
            Seed = 20261125,
            SettleTimeout = TimeSpan.FromSeconds(30),
            Label = "big-room-test",
        };
        LoadResult result = await new LoadRun(options, new TestOutputProgress(output)).RunAsync("(test)", CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(90));

        LoadRunAssert.CleanAndConverged(result, editors: 200);
        // Each typed op reaches the other 199 editors.
        Assert.True(result.RemoteDeliveries >= result.OpsAcked * 100, $"{result.RemoteDeliveries} deliveries for {result.OpsAcked} ops");
    }
}
