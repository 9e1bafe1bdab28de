namespace CollabClient;

/// <summary>A document as the server has it: <see cref="Type"/> null means it does not exist.</summary>
public sealed record DocumentSnapshot(string Collection, string Id, long Version, string? Type, string? Text);
