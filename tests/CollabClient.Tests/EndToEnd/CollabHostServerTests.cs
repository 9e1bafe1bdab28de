using CollabClient.Tests.Support;
using Xunit.Abstractions;

namespace CollabClient.Tests.EndToEnd;

/// <summary>The client against CollabHost's /ws over real sockets: the same specification it meets with stock ShareDB.</summary>
public sealed class CollabHostServerTests(CollabHostServerFixture fixture, ITestOutputHelper output)
    : ServerEndToEndTests(fixture.Server, output), IClassFixture<CollabHostServerFixture>;
