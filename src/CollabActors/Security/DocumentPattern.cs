using CollabActors.Documents;

namespace CollabActors.Security;

/// <summary>
/// A set of documents named as <c>collection/id</c> where <c>*</c> stands for any run of characters in its part:
/// <c>docs/readme</c> one document, <c>docs/*</c> a collection, <c>team-*/*</c> several, <c>*</c> everything.
/// A pattern without a slash names a whole collection (<c>docs</c> is <c>docs/*</c>).
/// </summary>
public sealed record DocumentPattern(string Collection, string Id)
{
    public static DocumentPattern Any { get; } = new("*", "*");

    public static DocumentPattern Parse(string pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern)) throw new FormatException("An empty document pattern names nothing.");
        if (pattern == "*") return Any;
        int slash = pattern.IndexOf('/');
        return slash < 0 ? new DocumentPattern(pattern, "*") : new DocumentPattern(pattern[..slash], pattern[(slash + 1)..]);
    }

    public bool Matches(DocumentId document) => Glob(Collection, document.Collection) && Glob(Id, document.Id);

    public override string ToString() => Collection + "/" + Id;

    /// <summary>Wildcard match where <c>*</c> is any run of characters (no other metacharacters), in linear time.</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
