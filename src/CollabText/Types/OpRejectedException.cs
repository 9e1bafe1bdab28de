namespace CollabText.Types;

/// <summary>A type refused an op or a create's data; nothing was changed.</summary>
public sealed class OpRejectedException(OpProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public OpProblem Problem { get; } = problem;
}
