namespace CollabActors.Protocol;

/// <summary>
/// Finds a lone surrogate written as a JSON escape (<c>\ud800</c> without its partner). A frame that is valid UTF-8
/// can still spell one, and a string holding it cannot be turned back into UTF-8: reading it throws, and so does
/// writing it to any other client. Frames holding one are refused at decode time, so nothing invalid is stored,
/// relayed or encoded. Linear in the frame, and free for frames without a backslash.
/// </summary>
internal static class LoneSurrogates
{
    /// <summary>True when <paramref name="utf8Json"/> (already known to be valid UTF-8) escapes a surrogate outside a pair.</summary>
    public static bool InJsonText(ReadOnlySpan<byte> utf8Json)
    {
        int i = utf8Json.IndexOf((byte)'\\');
        while (i >= 0 && i + 1 < utf8Json.Length)
        {
            // Every escape is a backslash and one character, or \u and four hex digits; "\\" is consumed whole, so a
            // backslash met here always starts an escape.
            if (utf8Json[i + 1] != (byte)'u')
            {
                i = Next(utf8Json, i + 2);
                continue;
            }
            int unit = HexUnit(utf8Json, i + 2);
            if (unit < 0) return false; // not a valid escape: the JSON reader refuses the frame anyway
            if (unit is >= 0xDC00 and <= 0xDFFF) return true;
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                int low = i + 8 < utf8Json.Length && utf8Json[i + 6] == (byte)'\\' && utf8Json[i + 7] == (byte)'u'
                    ? HexUnit(utf8Json, i + 8)
                    : -1;
                if (low is < 0xDC00 or > 0xDFFF) return true;
                i = Next(utf8Json, i + 12);
                continue;
            }
            i = Next(utf8Json, i + 6);
        }
        return false;
    }

    private static int Next(ReadOnlySpan<byte> s, int from)
    {
        if (from >= s.Length) return -1;
        int next = s[from..].IndexOf((byte)'\\');
        return next < 0 ? -1 : from + next;
    }

    private static int HexUnit(ReadOnlySpan<byte> s, int at)
    {
        if (at + 4 > s.Length) return -1;
        int unit = 0;
        for (int k = at; k < at + 4; k++)
        {
            int digit = s[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => s[k] - '0',
                >= (byte)'a' and <= (byte)'f' => s[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => s[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return -1;
            unit = unit * 16 + digit;
        }
        return unit;
    }
}
