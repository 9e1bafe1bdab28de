namespace CollabText.Types;

/// <summary>Why a type refused an op or a create's data; the server turns each into one ShareDB error code.</summary>
public enum OpProblem
{
    /// <summary>Not an op (or document) of the type at all: wrong shape (ERR_OT_OP_BADLY_FORMED).</summary>
    BadlyFormed,

    /// <summary>An op of the type that does not fit this document: a path into nothing, a delete that does not match (ERR_OT_OP_NOT_APPLIED).</summary>
    NotApplied,

    /// <summary>The document would be larger than its size limit.</summary>
    TooLarge,
}
