using CollabText;

namespace CollabLoad.Editing;

/// <summary>
/// What a simulated person does at the keyboard: mostly types a character at the cursor, sometimes backspaces,
/// now and then moves the cursor elsewhere; past the length cap it deletes more than it types. Positions are code
/// points (an emoji now and then keeps surrogate pairs in play).
/// </summary>
public sealed class KeystrokeGenerator(Random random, int maxDocLength)
{
    private const string Letters = "etaoinshrdlucmfwypvbgkqjxz";

    /// <summary>The cursor position in code points; kept valid against the text by <see cref="NextEdit"/>.</summary>
    public int Cursor { get; set; }

    /// <summary>True when the last call moved the cursor without editing.</summary>
    public bool MovedCursor { get; private set; }

    /// <summary>The next edit against <paramref name="text"/> (null when the keystroke only moved the cursor).</summary>
    public TextOp? NextEdit(string text)
    {
        int length = TextUnicodeType.CodePointLength(text);
        Cursor = Math.Clamp(Cursor, 0, length);
        MovedCursor = false;
        double roll = random.NextDouble();
        double deleteShare = length > maxDocLength ? 0.6 : 0.12;
        if (roll < 0.03 && length > 0)
        {
            Cursor = random.Next(length + 1);
            MovedCursor = true;
            return null;
        }
        if (roll < 0.03 + deleteShare && length > 0)
        {
            if (Cursor == 0) Cursor = random.Next(1, length + 1);
            Cursor--;
            return TextOp.DeleteAt(Cursor, 1);
        }
        string typed = random.Next(100) switch
        {
            0 => "😀",
            < 18 => " ",
            _ => Letters[random.Next(Letters.Length)].ToString(),
        };
        TextOp op = TextOp.InsertAt(Cursor, typed);
        Cursor++;
        return op;
    }
}
