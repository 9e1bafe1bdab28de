using System.Text.Json;
using CollabText.RichText;
using CsCheck;

namespace CollabText.Tests.RichText;

/// <summary>
/// CsCheck generators for rich-text documents and ops valid against them: text with astral characters and marks,
/// embeds, formats and format removals. Ops cut only between characters (never inside a surrogate pair).
/// </summary>
internal static class RichTextGen
{
    private static readonly string[] Pieces = ["a", "b", "c", " ", "\n", "é", "e\u0301", "😀", "𝄞", "中", "hello"];
    private static readonly AttributeMap?[] Formats =
    [
        null, null, AttributeMap.Of(("bold", true)), AttributeMap.Of(("italic", true)), AttributeMap.Of(("color", "#e60000")),
        AttributeMap.Of(("bold", true), ("italic", true)), AttributeMap.Of(("link", "https://example.com")),
    ];
    private static readonly AttributeMap?[] FormatChanges =
    [
        null, null, null, AttributeMap.Of(("bold", true)), AttributeMap.Of(("bold", null)), AttributeMap.Of(("italic", true)),
        AttributeMap.Of(("color", "#0066cc")), AttributeMap.Of(("color", null), ("underline", true)),
    ];
    private static readonly JsonElement Image = JsonSerializer.SerializeToElement(new { image = "a.png" });

    private static readonly Gen<DeltaOp> Insert =
        Gen.Select(Gen.Int[0, Pieces.Length], Gen.Int[0, Formats.Length - 1], Gen.Int[1, 3], (piece, format, repeat) =>
            piece == Pieces.Length
                ? DeltaOp.InsertEmbed(Image, Formats[format])
                : DeltaOp.Insert(string.Concat(Enumerable.Repeat(Pieces[piece], repeat)), Formats[format]));

    /// <summary>Documents of up to <paramref name="maxRuns"/> formatted runs, merged as quill-delta merges them.</summary>
    public static Gen<Delta> Document(int maxRuns) =>
        Insert.Array[0, maxRuns].Select(ops => RichTextType.Compose(Delta.Empty, new Delta(ops)));

    /// <summary>An op valid against <paramref name="doc"/>: inserts, retains with format changes and deletes.</summary>
    public static Gen<Delta> OpFor(Delta doc)
    {
        // Character starts in UTF-16 units (an embed is one unit): ops cut only there.
        var starts = new List<int>();
        string text = doc.ToPlainText();
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsLowSurrogate(text[i])) starts.Add(i);
        }
        starts.Add(text.Length);
        var step = Gen.Select(Gen.Int[0, 2], Gen.Int[1, 4], Gen.Int[0, FormatChanges.Length - 1], Insert);
        return step.Array[0, 6].Select(steps =>
        {
            var ops = new List<DeltaOp>();
            int at = 0; // index into starts
            foreach (var (kind, count, format, insert) in steps)
            {
                int to = Math.Min(at + count, starts.Count - 1);
                int length = starts[to] - starts[at];
                if (kind == 0 || length == 0) ops.Add(insert);
                else if (kind == 1) ops.Add(DeltaOp.Retain(length, FormatChanges[format]));
                else ops.Add(DeltaOp.Delete(length));
                if (kind != 0) at = to;
            }
            return RichTextType.Compose(new Delta(ops), Delta.Empty);
        });
    }
}
