namespace CollabText;

/// <summary>Invert was asked of an op with a delete that does not carry its text (call MakeInvertible first).</summary>
public sealed class OpNotInvertibleException : TextOpException
{
    public OpNotInvertibleException()
        : base("Cannot invert text op: deleted characters missing from operation. MakeInvertible must be called first.")
    {
    }
}
