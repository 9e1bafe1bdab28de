using CollabClient.Tests.Support;
using Xunit.Abstractions;

namespace CollabLoad.Tests.Runs;

/// <summary>The short load run against CollabHost's /ws.</summary>
public sealed class CollabHostShortLoadRunTests(CollabHostServerFixture fixture, ITestOutputHelper output)
    : ShortLoadRunTests(fixture.Server, output), IClassFixture<CollabHostServerFixture>;
