namespace CollabClient.Tests.Support;

/// <summary>A ShareDB-protocol server the end-to-end tests run against: the stock ShareDB peer or CollabHost.</summary>
public interface IProtocolServer
{
    /// <summary>What the test output calls it.</summary>
    string Name { get; }

    /// <summary>The WebSocket URL clients connect to (its path matters: CollabHost answers on /ws).</summary>
    Uri Url { get; }
}
