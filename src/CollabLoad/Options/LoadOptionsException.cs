namespace CollabLoad.Options;

/// <summary>A command line the load generator cannot run; the message says what to fix.</summary>
public sealed class LoadOptionsException(string message) : Exception(message);
