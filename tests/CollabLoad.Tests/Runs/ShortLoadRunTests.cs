using CollabClient.Tests.Support;
using CollabLoad.Options;
using CollabLoad.Reporting;
using CollabLoad.Runs;
using CollabLoad.Tests.Support;
using Xunit.Abstractions;

namespace CollabLoad.Tests.Runs;

/// <summary>
/// A few seconds of simulated editors against a ShareDB-protocol server: asserts zero errors and that every editor
/// converges with a fresh fetch. Never asserts a speed. Each server under test derives a class from it.
/// </summary>
public abstract class ShortLoadRunTests(IProtocolServer server, ITestOutputHelper output)
{
    [Theory]
    [InlineData(LoadMode.Open)]
    [InlineData(LoadMode.Closed)]
    public async Task A_short_run_has_no_errors_and_every_editor_converges(LoadMode mode)
    {
        var options = new LoadOptions
        {
            Url = server.Url,
            Docs = 4,
            EditorsPerDoc = 3,
            Rate = 20,
            Mode = mode,
            Duration = TimeSpan.FromSeconds(3),
            RampUp = TimeSpan.FromMilliseconds(500),
            Seed = 20261124,
            SettleTimeout = TimeSpan.FromSeconds(20),
            Label = "test-" + mode,
        };
        LoadResult result = await new LoadRun(options, new TestOutputProgress(output)).RunAsync("(test)", CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        LoadRunAssert.CleanAndConverged(result, editors: 12);
        // And was seen by the others.
        Assert.True(result.RemoteDeliveries > 0);
        Assert.True(result.Passed);
        Assert.Contains("<svg", HtmlReport.Render(result));
    }
}
