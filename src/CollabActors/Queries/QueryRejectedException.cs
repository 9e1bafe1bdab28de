namespace CollabActors.Queries;

/// <summary>A query we do not run: outside the subset, badly formed, too large, or out of time. <see cref="Code"/> is the wire's error code.</summary>
public sealed class QueryRejectedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
