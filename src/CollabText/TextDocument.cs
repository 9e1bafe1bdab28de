using System.Text;

namespace CollabText;

/// <summary>
/// A mutable text document indexed by code point, stored in a rope so an edit costs O(log n) however large the
/// document. Not thread-safe: one actor owns it. A failed Apply leaves the document exactly as it was.
/// </summary>
public sealed class TextDocument
{
    private readonly Rope _rope = new();

    /// <param name="initial">The starting text (must be well-formed UTF-16).</param>
    /// <param name="maxUtf16Length">Largest size in UTF-16 units an edit may produce; null for no limit.</param>
    public TextDocument(string initial = "", int? maxUtf16Length = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        if (maxUtf16Length is < 0) throw new ArgumentOutOfRangeException(nameof(maxUtf16Length));
        if (!CodePoints.IsWellFormed(initial))
            throw new ArgumentException("Initial text contains an unpaired surrogate.", nameof(initial));
        MaxUtf16Length = maxUtf16Length;
        _rope.Insert(0, initial);
    }

    /// <summary>The size limit in UTF-16 units enforced on edits, if any.</summary>
    public int? MaxUtf16Length { get; }

    /// <summary>Length in code points.</summary>
    public int Length => _rope.Length;

    /// <summary>Length in UTF-16 units (what <see cref="ToString"/> returns).</summary>
    public int Utf16Length => _rope.Utf16Length;

    /// <summary>
    /// Applies an op. The whole op is checked against the document first (shape, length, size limit); on any
    /// error nothing changes.
    /// </summary>
    public void Apply(TextOp op)
    {
        Validate(op);

        int position = 0;
        foreach (OpComponent c in op.Span)
        {
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                    position += c.Length;
                    break;
                case OpComponentKind.Insert:
                    _rope.Insert(position, c.Text);
                    position += c.Length;
                    break;
                default:
                    _rope.Delete(position, c.Length);
                    break;
            }
        }
    }

    /// <summary>
    /// Throws the <see cref="TextOpException"/> that <see cref="Apply"/> would throw for this op (bad shape, longer
    /// than the document, past the size limit), without changing anything.
    /// </summary>
    public void Validate(TextOp op)
    {
        TextUnicodeType.Check(op);
        long walked = TextUnicodeType.InputLength(op);
        if (walked > Length) throw new OpTooLongException((int)Math.Min(walked, int.MaxValue), Length);
        if (MaxUtf16Length is { } max) EnsureFits(op, max);
    }

    /// <summary>The op that undoes <paramref name="op"/> on this document as it is now (before applying it).</summary>
    public TextOp InverseOf(TextOp op)
    {
        var invertible = new OpBuilder(op.Count);
        int position = 0;
        foreach (OpComponent c in op.Span)
        {
            if (c.IsDelete && c.Text is null) invertible.Append(OpComponent.DeleteCounted(Substring(position, c.Length), c.Length));
            else invertible.Append(c);
            if (!c.IsInsert) position += c.Length;
        }
        return TextUnicodeType.Invert(invertible.Build());
    }

    private void EnsureFits(TextOp op, int max)
    {
        long size = Utf16Length;
        int position = 0; // in the original document
        foreach (OpComponent c in op.Span)
        {
            switch (c.Kind)
            {
                case OpComponentKind.Skip:
                    position += c.Length;
                    break;
                case OpComponentKind.Insert:
                    size += c.Text!.Length;
                    break;
                default:
                    size -= _rope.CharIndex(position + c.Length) - _rope.CharIndex(position);
                    position += c.Length;
                    break;
            }
        }
        if (size > max) throw new DocumentTooLargeException(size, max);
    }

    /// <summary>Inserts text at a code-point position in [0, Length].</summary>
    public void Insert(int position, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (position < 0 || position > Length)
            throw new ArgumentOutOfRangeException(nameof(position), position, $"Position must be within 0..{Length}.");
        if (!CodePoints.IsWellFormed(text))
            throw new InvalidOpComponentException("Inserted text contains an unpaired surrogate.");
        if (MaxUtf16Length is { } max && (long)Utf16Length + text.Length > max)
            throw new DocumentTooLargeException((long)Utf16Length + text.Length, max);
        _rope.Insert(position, text);
    }

    /// <summary>Deletes <paramref name="count"/> code points at <paramref name="position"/>.</summary>
    public void Delete(int position, int count)
    {
        CheckRange(position, count);
        _rope.Delete(position, count);
    }

    /// <summary>The text of <paramref name="count"/> code points starting at <paramref name="position"/>.</summary>
    public string Substring(int position, int count)
    {
        CheckRange(position, count);
        var text = new StringBuilder();
        _rope.CopyTo(position, count, text);
        return text.ToString();
    }

    private void CheckRange(int position, int count)
    {
        if (position < 0) throw new ArgumentOutOfRangeException(nameof(position), position, "Position must not be negative.");
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "Count must not be negative.");
        if ((long)position + count > Length) throw new OpTooLongException((int)Math.Min((long)position + count, int.MaxValue), Length);
    }

    public override string ToString() => _rope.ToString();
}
