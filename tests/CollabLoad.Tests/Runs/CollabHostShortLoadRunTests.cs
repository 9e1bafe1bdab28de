using CollabLoad.Tests.Support;
using Xunit.Abstractions;

namespace CollabLoad.Tests.Runs;

/// <summary>The short load run against CollabHost's /ws (per-connection rate limits raised for the closed loop).</summary>
public sealed class CollabHostShortLoadRunTests(LoadTestCollabHostFixture fixture, ITestOutputHelper output)
    : ShortLoadRunTests(fixture.Server, output), IClassFixture<LoadTestCollabHostFixture>;
