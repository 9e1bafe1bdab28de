using System.Text;

namespace CollabText;

/// <summary>
/// A B+tree of UTF-16 chunks indexed by code point. Every node keeps its UTF-16 and code-point counts, so finding
/// a position costs O(depth); a leaf without surrogate pairs maps code points to chars directly. Callers only
/// ever cut at code-point boundaries and insert well-formed text, so a surrogate pair never straddles two leaves.
/// </summary>
internal sealed class Rope
{
    // Leaves hold at most this many UTF-16 units; inserts arrive in pieces of at most half of it, so one insert
    // overflows a leaf by less than half a leaf and a single split always suffices.
    internal const int MaxLeafChars = 1024;
    internal const int MaxInsertPiece = MaxLeafChars / 2;
    // A leaf below this is merged into a neighbour when they fit together, so deletes do not leave dust.
    private const int MinLeafChars = MaxLeafChars / 4;
    internal const int MaxChildren = 32;
    private const int MinChildren = MaxChildren / 4;

    private Node _root = new Leaf();

    public int Length => _root.CodePoints;

    public int Utf16Length => _root.Chars;

    internal int Depth
    {
        get
        {
            int depth = 1;
            for (Node n = _root; n is Branch b; n = b.Children[0]) depth++;
            return depth;
        }
    }

    /// <summary>Inserts well-formed text at a code-point position in [0, Length].</summary>
    public void Insert(int position, ReadOnlySpan<char> text)
    {
        while (text.Length > 0)
        {
            int take = Math.Min(text.Length, MaxInsertPiece);
            if (take < text.Length && char.IsLowSurrogate(text[take]) && char.IsHighSurrogate(text[take - 1])) take--;
            ReadOnlySpan<char> piece = text[..take];
            int pieceCodePoints = CodePoints.Count(piece);
            Node? split = InsertInto(_root, position, piece, pieceCodePoints);
            if (split is not null)
            {
                var root = new Branch();
                root.Add(_root);
                root.Add(split);
                _root = root;
            }
            position += pieceCodePoints;
            text = text[take..];
        }
    }

    /// <summary>Deletes <paramref name="count"/> code points at <paramref name="position"/>; the range must lie inside the rope.</summary>
    public void Delete(int position, int count)
    {
        if (count == 0) return;
        if (position == 0 && count == _root.CodePoints)
        {
            _root = new Leaf();
            return;
        }
        DeleteFrom(_root, position, count);
        while (_root is Branch { Count: 1 } only) _root = only.Children[0];
    }

    /// <summary>The UTF-16 offset of code point <paramref name="position"/> in [0, Length].</summary>
    public int CharIndex(int position)
    {
        int chars = 0;
        Node node = _root;
        while (node is Branch branch)
        {
            int i = 0;
            for (; i < branch.Count - 1; i++)
            {
                Node child = branch.Children[i];
                if (position <= child.CodePoints) break;
                position -= child.CodePoints;
                chars += child.Chars;
            }
            node = branch.Children[i];
        }
        return chars + ((Leaf)node).CharOffset(position);
    }

    /// <summary>Appends <paramref name="count"/> code points from <paramref name="position"/> to <paramref name="into"/>.</summary>
    public void CopyTo(int position, int count, StringBuilder into) => Collect(_root, position, count, into);

    public override string ToString() =>
        string.Create(_root.Chars, _root, static (span, root) => Fill(root, span));

    private static int Fill(Node node, Span<char> into)
    {
        if (node is Leaf leaf)
        {
            leaf.Buffer.AsSpan(0, leaf.Chars).CopyTo(into);
            return leaf.Chars;
        }
        var branch = (Branch)node;
        int written = 0;
        for (int i = 0; i < branch.Count; i++) written += Fill(branch.Children[i], into[written..]);
        return written;
    }

    private static void Collect(Node node, int position, int count, StringBuilder into)
    {
        if (count == 0) return;
        if (node is Leaf leaf)
        {
            int start = leaf.CharOffset(position);
            int end = leaf.CharOffset(position + count);
            into.Append(leaf.Buffer, start, end - start);
            return;
        }
        var branch = (Branch)node;
        for (int i = 0; i < branch.Count && count > 0; i++)
        {
            Node child = branch.Children[i];
            if (position >= child.CodePoints)
            {
                position -= child.CodePoints;
                continue;
            }
            int take = Math.Min(count, child.CodePoints - position);
            Collect(child, position, take, into);
            count -= take;
            position = 0;
        }
    }

    // Returns a new right sibling when the node had to split.
    private static Node? InsertInto(Node node, int position, ReadOnlySpan<char> text, int textCodePoints)
    {
        if (node is Leaf leaf) return leaf.Insert(position, text, textCodePoints);
        var branch = (Branch)node;
        branch.Chars += text.Length;
        branch.CodePoints += textCodePoints;
        // At a boundary between two children, append to the left one (it is where the previous edit was).
        int i = 0;
        for (; i < branch.Count - 1; i++)
        {
            int childCodePoints = branch.Children[i].CodePoints;
            if (position <= childCodePoints) break;
            position -= childCodePoints;
        }
        Node? split = InsertInto(branch.Children[i], position, text, textCodePoints);
        if (split is null) return null;
        branch.InsertAt(i + 1, split);
        return branch.Count > MaxChildren ? branch.SplitHalf() : null;
    }

    private static void DeleteFrom(Node node, int position, int count)
    {
        if (node is Leaf leaf)
        {
            leaf.Delete(position, count);
            return;
        }
        var branch = (Branch)node;
        int i = 0;
        while (position >= branch.Children[i].CodePoints)
        {
            position -= branch.Children[i].CodePoints;
            i++;
        }
        int first = i;
        while (count > 0)
        {
            Node child = branch.Children[i];
            int take = Math.Min(count, child.CodePoints - position);
            int charsBefore = child.Chars;
            if (position == 0 && take == child.CodePoints)
            {
                branch.RemoveAt(i); // whole child goes: no need to walk it
                branch.Chars -= charsBefore;
            }
            else
            {
                DeleteFrom(child, position, take);
                branch.Chars -= charsBefore - child.Chars;
                i++;
            }
            branch.CodePoints -= take;
            count -= take;
            position = 0;
        }
        // Only the children around the edit can have become small; merge them with a neighbour if they fit.
        int from = Math.Max(0, first - 1);
        for (int k = Math.Min(i, branch.Count - 2); k >= from; k--) branch.TryMerge(k);
    }

    private abstract class Node
    {
        public int Chars;
        public int CodePoints;
    }

    private sealed class Leaf : Node
    {
        public readonly char[] Buffer = new char[MaxLeafChars];

        private bool HasSurrogates => Chars != CodePoints;

        public int CharOffset(int codePoints) =>
            HasSurrogates ? CollabText.CodePoints.Advance(Buffer.AsSpan(0, Chars), 0, codePoints) : codePoints;

        public Leaf? Insert(int position, ReadOnlySpan<char> text, int textCodePoints)
        {
            int at = CharOffset(position);
            int total = Chars + text.Length;
            if (total <= MaxLeafChars)
            {
                Array.Copy(Buffer, at, Buffer, at + text.Length, Chars - at);
                text.CopyTo(Buffer.AsSpan(at));
                Chars = total;
                CodePoints += textCodePoints;
                return null;
            }
            // Overflow: lay out old-prefix + text + old-suffix and cut it in two near the middle.
            Span<char> combined = stackalloc char[total];
            Buffer.AsSpan(0, at).CopyTo(combined);
            text.CopyTo(combined[at..]);
            Buffer.AsSpan(at, Chars - at).CopyTo(combined[(at + text.Length)..]);
            int cut = total / 2;
            if (char.IsLowSurrogate(combined[cut]) && char.IsHighSurrogate(combined[cut - 1])) cut++;
            var right = new Leaf();
            Fill(combined[..cut]);
            right.Fill(combined[cut..]);
            return right;
        }

        private void Fill(ReadOnlySpan<char> content)
        {
            content.CopyTo(Buffer);
            Chars = content.Length;
            CodePoints = CollabText.CodePoints.Count(content);
        }

        public void Delete(int position, int count)
        {
            int start = CharOffset(position);
            int end = HasSurrogates ? CollabText.CodePoints.Advance(Buffer.AsSpan(0, Chars), start, count) : start + count;
            Array.Copy(Buffer, end, Buffer, start, Chars - end);
            Chars -= end - start;
            CodePoints -= count;
        }

        public bool IsSmall => Chars < MinLeafChars;

        public void AppendFrom(Leaf other)
        {
            Array.Copy(other.Buffer, 0, Buffer, Chars, other.Chars);
            Chars += other.Chars;
            CodePoints += other.CodePoints;
        }
    }

    private sealed class Branch : Node
    {
        public readonly Node[] Children = new Node[MaxChildren + 1];
        public int Count;

        public void Add(Node child)
        {
            Children[Count++] = child;
            Chars += child.Chars;
            CodePoints += child.CodePoints;
        }

        // Counts are not touched: the caller has already accounted for the content moving into the new child.
        public void InsertAt(int index, Node child)
        {
            Array.Copy(Children, index, Children, index + 1, Count - index);
            Children[index] = child;
            Count++;
        }

        public void RemoveAt(int index)
        {
            Array.Copy(Children, index + 1, Children, index, Count - index - 1);
            Children[--Count] = null!;
        }

        public Branch SplitHalf()
        {
            var right = new Branch();
            int keep = Count / 2;
            for (int i = keep; i < Count; i++)
            {
                right.Add(Children[i]);
                Children[i] = null!;
            }
            Count = keep;
            Chars -= right.Chars;
            CodePoints -= right.CodePoints;
            return right;
        }

        /// <summary>Merges child k+1 into child k when one of them is small and both fit in one node.</summary>
        public void TryMerge(int k)
        {
            if (k < 0 || k + 1 >= Count) return;
            Node left = Children[k], right = Children[k + 1];
            if (left is Leaf leftLeaf && right is Leaf rightLeaf)
            {
                if ((leftLeaf.IsSmall || rightLeaf.IsSmall) && leftLeaf.Chars + rightLeaf.Chars <= MaxLeafChars)
                {
                    leftLeaf.AppendFrom(rightLeaf);
                    RemoveAt(k + 1);
                }
            }
            else if (left is Branch leftBranch && right is Branch rightBranch)
            {
                if ((leftBranch.Count < MinChildren || rightBranch.Count < MinChildren)
                    && leftBranch.Count + rightBranch.Count <= MaxChildren)
                {
                    for (int i = 0; i < rightBranch.Count; i++) leftBranch.Add(rightBranch.Children[i]);
                    RemoveAt(k + 1);
                }
            }
        }
    }
}
