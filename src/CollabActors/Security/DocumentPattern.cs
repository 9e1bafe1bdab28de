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

    /// <summary>Whether this pattern names documents of <paramref name="collection"/> (a query then matches their ids against <see cref="Id"/>).</summary>
    public bool MatchesCollection(string collection) => Glob(Collection, collection);

    /// <summary>
    /// True when some <paramref name="separator"/> in <paramref name="name"/> splits it into a collection and an id
    /// this pattern matches. Time is the name's length times the pattern's, whatever the number of separators.
    /// </summary>
    public bool MatchesSomeSplit(string name, char separator)
    {
        bool[] collectionEndsAt = PrefixMatches(Collection, name, reversed: false);
        bool[] idStartsAt = PrefixMatches(Id, name, reversed: true);
        for (int i = name.IndexOf(separator); i >= 0; i = name.IndexOf(separator, i + 1))
        {
            // idStartsAt is indexed by the length of the suffix: the id after the separator at i is name.Length - i - 1 long.
            if (collectionEndsAt[i] && idStartsAt[name.Length - i - 1]) return true;
        }
        return false;
    }

    /// <summary>
    /// For each length n, whether the glob <paramref name="pattern"/> matches the first n characters of
    /// <paramref name="text"/> (its last n when <paramref name="reversed"/>, reading both backwards). One pass of a
    /// set of pattern positions over the text.
    /// </summary>
    internal static bool[] PrefixMatches(string pattern, string text, bool reversed)
    {
        int m = pattern.Length;
        char P(int k) => reversed ? pattern[m - 1 - k] : pattern[k];
        char T(int k) => reversed ? text[text.Length - 1 - k] : text[k];
        var matches = new bool[text.Length + 1];
        var states = new bool[m + 1];
        var next = new bool[m + 1];
        states[0] = true;
        Close(states);
        matches[0] = states[m];
        for (int t = 0; t < text.Length; t++)
        {
            Array.Clear(next);
            bool any = false;
            for (int k = 0; k < m; k++)
            {
                if (!states[k]) continue;
                if (P(k) == '*') next[k] = any = true;
                else if (P(k) == T(t)) next[k + 1] = any = true;
            }
            (states, next) = (next, states);
            Close(states);
            matches[t + 1] = states[m];
            if (!any) break; // no prefix longer than this can match
        }
        return matches;

        // A star may match nothing: being before it means being after it too.
        void Close(bool[] s)
        {
            for (int k = 0; k < m; k++)
            {
                if (s[k] && P(k) == '*') s[k + 1] = true;
            }
        }
    }

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
