namespace CollabActors.Protocol;

/// <summary>The <c>error: {code, message}</c> object of an error reply.</summary>
public sealed record ProtocolError(string Code, string Message);
