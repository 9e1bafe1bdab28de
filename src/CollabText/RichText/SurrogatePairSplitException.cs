namespace CollabText.RichText;

/// <summary>
/// An operation whose result would hold half of a surrogate pair: an op boundary falls between the two UTF-16 units
/// of one character (Quill counts UTF-16 units, so such an op is expressible). The reference returns the broken
/// string; we refuse, because a lone surrogate cannot be written back as UTF-8 JSON.
/// </summary>
public sealed class SurrogatePairSplitException : RichTextException
{
    public SurrogatePairSplitException(string operation)
        : base($"{operation} would split a surrogate pair (an op boundary falls inside one character).")
    {
    }
}
