namespace CollabText;

/// <summary>Code-point counting and slicing over UTF-16 strings; a surrogate pair is one code point and never split.</summary>
public static class CodePoints
{
    public static int Count(ReadOnlySpan<char> s)
    {
        int pairs = 0;
        // A high surrogate followed by a low one is a single code point; anything else counts one per unit.
        for (int i = 0; i < s.Length - 1; i++)
        {
            if (char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]))
            {
                pairs++;
                i++;
            }
        }
        return s.Length - pairs;
    }

    /// <summary>UTF-16 offset reached by advancing <paramref name="codePoints"/> from <paramref name="start"/>; -1 if the string ends first.</summary>
    public static int Advance(ReadOnlySpan<char> s, int start, int codePoints)
    {
        int i = start;
        for (int n = 0; n < codePoints; n++)
        {
            if (i >= s.Length) return -1;
            i += i + 1 < s.Length && char.IsHighSurrogate(s[i]) && char.IsLowSurrogate(s[i + 1]) ? 2 : 1;
        }
        return i;
    }

    /// <summary>The substring from code point <paramref name="start"/> to <paramref name="end"/> (clamped to the string).</summary>
    public static string Slice(string s, int start, int end)
    {
        int from = Advance(s, 0, start);
        if (from < 0) return string.Empty;
        int to = Advance(s, from, end - start);
        return to < 0 ? s.Substring(from) : s.Substring(from, to - from);
    }

    /// <summary>True when every surrogate in the string is part of a well-formed pair.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }
}
