using CollabClient.Tests.Support;
using Xunit.Abstractions;

namespace CollabLoad.Tests.Runs;

/// <summary>The short load run against the stock ShareDB server (bench/peers/sharedb-server).</summary>
public sealed class StockShareDbShortLoadRunTests(StockShareDbServerFixture fixture, ITestOutputHelper output)
    : ShortLoadRunTests(fixture.Server, output), IClassFixture<StockShareDbServerFixture>;
