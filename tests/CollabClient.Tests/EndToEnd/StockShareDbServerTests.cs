using CollabClient.Tests.Support;
using Xunit.Abstractions;

namespace CollabClient.Tests.EndToEnd;

/// <summary>The client against an unmodified ShareDB 7 server (bench/peers/sharedb-server) over real sockets.</summary>
public sealed class StockShareDbServerTests(StockShareDbServerFixture fixture, ITestOutputHelper output)
    : ServerEndToEndTests(fixture.Server, output), IClassFixture<StockShareDbServerFixture>;
