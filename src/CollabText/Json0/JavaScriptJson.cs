using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CollabText.Json0;

/// <summary>
/// Writes JSON text exactly as JavaScript's <c>JSON.stringify</c> does, so our ops and documents print byte for byte
/// as the reference's: numbers in ECMAScript's Number::toString form (1e+21, 1e-7, 100, 0.5, -0 as 0), strings with
/// only the escapes JSON.stringify makes (\" \\ \b \f \n \r \t, other controls and unpaired surrogates as \u00xx).
/// </summary>
internal static class JavaScriptJson
{
    public static void AppendString(StringBuilder sb, string s)
    {
        sb.Append('"');
        int runStart = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            string? escape = c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => null,
            };
            bool hex = escape is null && (c < 0x20 || IsUnpairedSurrogate(s, i));
            if (escape is null && !hex)
            {
                if (char.IsHighSurrogate(c)) i++; // a whole pair, kept as it is
                continue;
            }
            sb.Append(s, runStart, i - runStart);
            if (escape is not null) sb.Append(escape);
            else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            runStart = i + 1;
        }
        sb.Append(s, runStart, s.Length - runStart);
        sb.Append('"');
    }

    /// <summary>How many characters <see cref="AppendString"/> writes for <paramref name="s"/>, without writing them.</summary>
    public static long StringLength(string s)
    {
        long length = 2 + s.Length;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '"' or '\\' or '\b' or '\f' or '\n' or '\r' or '\t') length += 1;
            else if (c < 0x20 || IsUnpairedSurrogate(s, i)) length += 5;
            else if (char.IsHighSurrogate(c)) i++;
        }
        return length;
    }

    private static bool IsUnpairedSurrogate(string s, int i)
    {
        char c = s[i];
        if (char.IsHighSurrogate(c)) return i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1]);
        return char.IsLowSurrogate(c); // a low surrogate reached here has no high one before it
    }

    public static string FormatNumber(double value)
    {
        var sb = new StringBuilder(24);
        AppendNumber(sb, value);
        return sb.ToString();
    }

    /// <summary>ECMAScript Number::toString(10) of a finite value (JSON.stringify prints non-finite values as null).</summary>
    public static void AppendNumber(StringBuilder sb, double value)
    {
        if (!double.IsFinite(value))
        {
            sb.Append("null");
            return;
        }
        if (value == 0)
        {
            sb.Append('0'); // also -0, as JSON.stringify prints it
            return;
        }
        if (value < 0) sb.Append('-');
        // .NET's "R" gives the shortest digits that round-trip, as ECMAScript requires; only the layout differs.
        string r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        string mantissa = e < 0 ? r : r[..e];
        int exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        string digits = dot < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, dot), mantissa.AsSpan(dot + 1));
        int integerDigits = dot < 0 ? mantissa.Length : dot;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        int n = integerDigits - lead + exponent; // value = 0.digits × 10^n
        int k = digits.Length;
        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            int shown = n - 1;
            sb.Append(digits[0]);
            if (k > 1) sb.Append('.').Append(digits, 1, k - 1);
            sb.Append('e').Append(shown < 0 ? '-' : '+').Append(Math.Abs(shown).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A JSON string's value. JavaScript strings may hold unpaired surrogates (a text0 edit can split a pair, and
    /// JSON.stringify then writes "\ud83d"); System.Text.Json refuses to read those, so we decode the escapes ourselves.
    /// </summary>
    public static string ReadString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            string raw = element.GetRawText(); // validated JSON: quotes around the content, escapes well formed
            var sb = new StringBuilder(raw.Length);
            for (int i = 1; i < raw.Length - 1; i++)
            {
                char c = raw[i];
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                char e = raw[++i];
                switch (e)
                {
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        sb.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: sb.Append(e); break; // \" \\ \/
                }
            }
            return sb.ToString();
        }
    }
}
