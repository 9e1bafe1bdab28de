using System.Text;
using CollabText;

namespace CollabText.Tests;

public sealed class TextDocumentTests
{
    [Fact]
    public void An_empty_document_takes_an_insert()
    {
        var doc = new TextDocument();
        Assert.Equal(0, doc.Length);
        doc.Apply(TextOp.Parse("[\"héllo 😀\"]"));
        Assert.Equal("héllo 😀", doc.ToString());
        Assert.Equal(7, doc.Length);
        Assert.Equal(8, doc.Utf16Length);
    }

    [Fact]
    public void Positions_are_code_points_and_pairs_are_never_split()
    {
        var doc = new TextDocument("a😀b𝄞c");
        doc.Apply(TextOp.Parse("[2,\"x\",2,{\"d\":1}]"));
        Assert.Equal("a😀xb𝄞", doc.ToString());
        Assert.Equal("😀x", doc.Substring(1, 2));
    }

    [Fact]
    public void Zwj_sequences_and_combining_marks_count_per_code_point()
    {
        var doc = new TextDocument("👩‍👩‍👧e\u0301");
        Assert.Equal(7, doc.Length);
        doc.Delete(5, 1);
        Assert.Equal("👩‍👩‍👧\u0301", doc.ToString());
    }

    [Fact]
    public void Delete_to_the_end_empties_the_tail()
    {
        var doc = new TextDocument("hello world");
        doc.Apply(TextOp.DeleteAt(5, 6));
        Assert.Equal("hello", doc.ToString());
        doc.Apply(TextOp.DeleteAt(0, 5));
        Assert.Equal("", doc.ToString());
        Assert.Equal(0, doc.Length);
    }

    [Theory]
    [InlineData("[4,\"x\"]")]
    [InlineData("[2,{\"d\":2}]")]
    [InlineData("[\"x\",1,{\"d\":3}]")]
    public void An_op_past_the_end_fails_and_changes_nothing(string json)
    {
        var doc = new TextDocument("a😀c");
        Assert.Throws<OpTooLongException>(() => doc.Apply(TextOp.Parse(json)));
        Assert.Equal("a😀c", doc.ToString());
    }

    [Theory]
    [InlineData("[\"x\",0,\"y\"]")]
    [InlineData("[1,\"x\",1]")]
    [InlineData("[\"x\",{\"d\":0}]")]
    public void An_invalid_op_fails_and_changes_nothing(string json)
    {
        var doc = new TextDocument("abc");
        Assert.Throws<InvalidOpComponentException>(() => doc.Apply(TextOp.Parse(json)));
        Assert.Equal("abc", doc.ToString());
    }

    [Fact]
    public void An_op_over_the_size_limit_fails_and_changes_nothing()
    {
        var doc = new TextDocument("ab😀", maxUtf16Length: 6);
        Assert.Throws<DocumentTooLargeException>(() => doc.Apply(TextOp.InsertAt(1, "xyz")));
        Assert.Throws<DocumentTooLargeException>(() => doc.Insert(0, "xyz"));
        Assert.Equal("ab😀", doc.ToString());
        doc.Apply(TextOp.Parse("[2,{\"d\":1},\"xyz\"]")); // deleting the pair frees two units
        Assert.Equal("abxyz", doc.ToString());
    }

    [Fact]
    public void Direct_edits_reject_bad_ranges_and_change_nothing()
    {
        var doc = new TextDocument("abc");
        Assert.Throws<ArgumentOutOfRangeException>(() => doc.Insert(4, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => doc.Insert(-1, "x"));
        Assert.Throws<InvalidOpComponentException>(() => doc.Insert(1, "\uDE00"));
        Assert.Throws<OpTooLongException>(() => doc.Delete(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => doc.Delete(-1, 1));
        Assert.Throws<OpTooLongException>(() => doc.Substring(1, 3));
        Assert.Equal("abc", doc.ToString());
    }

    [Fact]
    public void Initial_text_with_an_unpaired_surrogate_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TextDocument("a\uD83D"));
    }

    [Fact]
    public void A_large_document_edited_in_many_places_matches_a_string()
    {
        // Several hundred leaves and three tree levels: exercises leaf and branch splits and merges.
        var random = new Random(12345);
        string[] pieces = ["a", "b", "😀", "𝄞", "\u0301", " "];
        var initial = new StringBuilder();
        for (int i = 0; i < 200_000; i++) initial.Append(pieces[random.Next(pieces.Length)]);
        var doc = new TextDocument(initial.ToString());
        var expected = new List<string>(initial.ToString().EnumerateRunes().Select(r => r.ToString()));
        for (int step = 0; step < 3_000; step++)
        {
            int position = random.Next(expected.Count + 1);
            if (random.Next(3) == 0 || expected.Count == 0)
            {
                int n = random.Next(1, step % 100 == 0 ? 3000 : 4);
                var runes = new List<string>();
                for (int i = 0; i < n; i++) runes.Add(pieces[random.Next(pieces.Length)]);
                doc.Insert(position, string.Concat(runes));
                expected.InsertRange(position, runes);
            }
            else
            {
                int count = Math.Min(expected.Count - position, random.Next(0, step % 50 == 0 ? 2_000 : 5));
                doc.Delete(position, count);
                expected.RemoveRange(position, count);
            }
        }
        Assert.Equal(string.Concat(expected), doc.ToString());
        Assert.Equal(expected.Count, doc.Length);
        Assert.True(expected.Count > 150_000, "the document should still span many leaves");
        Assert.Equal(string.Concat(expected.Skip(1000).Take(500)), doc.Substring(1000, 500));
    }
}
