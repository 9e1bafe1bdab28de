using CollabText;
using CsCheck;

namespace CollabText.Tests;

/// <summary>CsCheck generators for documents and ops that are valid against them, rich in astral characters and marks.</summary>
internal static class TextGen
{
    // Plain letters, astral characters, a combining acute, a ZWJ and a family emoji's parts: each a code point
    // (or a pair of UTF-16 units) so documents exercise every counting rule.
    private static readonly string[] Pieces = ["a", "b", "c", " ", "é", "\u0301", "😀", "𝄞", "👩", "\u200D", "👧", "\n"];

    private static readonly Gen<string> Piece = Gen.Int[0, Pieces.Length - 1].Select(i => Pieces[i]);

    public static readonly Gen<string> Text = Piece.Array[0, 12].Select(p => string.Concat(p));

    public static readonly Gen<string> NonEmptyText = Piece.Array[1, 6].Select(p => string.Concat(p));

    /// <summary>Documents of up to <paramref name="maxPieces"/> code points.</summary>
    public static Gen<string> Document(int maxPieces) =>
        Piece.Array[0, maxPieces].Select(p => string.Concat(p));

    /// <summary>A normalized op valid against <paramref name="doc"/>; deletes carry their text when <paramref name="withText"/>.</summary>
    public static Gen<TextOp> OpFor(string doc, bool withText = false)
    {
        int length = TextUnicodeType.CodePointLength(doc);
        var step = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1 << 20], NonEmptyText, Gen.Bool);
        return step.Array[0, 6].Select(steps =>
        {
            var components = new List<OpComponent>();
            int position = 0;
            foreach (var (kind, amount, text, carry) in steps)
            {
                int remaining = length - position;
                if (kind == 1)
                {
                    components.Add(OpComponent.Insert(text));
                    continue;
                }
                if (remaining == 0) continue;
                int n = 1 + amount % Math.Min(remaining, amount % 3 == 0 ? remaining : 4);
                if (kind == 0) components.Add(OpComponent.Skip(n));
                else if (withText || carry) components.Add(OpComponent.Delete(Slice(doc, position, n)));
                else components.Add(OpComponent.Delete(n));
                position += n;
            }
            return TextUnicodeType.Normalize(new TextOp(components));
        });
    }

    public static string Slice(string doc, int position, int count)
    {
        var runes = doc.EnumerateRunes().Skip(position).Take(count);
        return string.Concat(runes.Select(r => r.ToString()));
    }
}
