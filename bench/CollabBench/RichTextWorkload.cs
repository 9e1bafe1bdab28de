using System.Text;
using System.Text.Json;
using CollabText;
using CollabText.RichText;

namespace CollabBench;

/// <summary>
/// A seeded rich-text editing session for the benchmark: two agents write a Quill document together in rounds. In each
/// round both start from the merged document and make ops on their own copy; the log records each op with how many of
/// the other agent's ops its author had seen, so a replay merges them as a server would (transforming past the unseen
/// ones). Ops are what Quill sends: typing (some of it bold or italic), deleting, formatting a range (bold, italic,
/// colour, and their removal), line formats on a newline (header, list), and now and then an image embed.
/// Text is Basic Multilingual Plane only, so no op cuts a surrogate pair.
/// </summary>
internal sealed record RichTextWorkload(IReadOnlyList<RichTextWorkload.Entry> Entries)
{
    internal sealed record Entry(int Agent, int OtherSeen, Delta Op);

    // Past this length the agents delete more than they type, so the document stays the size of a long page.
    private const int TargetLength = 3_000;

    private static readonly string[] Words = ["the ", "plan ", "ships ", "on ", "Friday", ". ", "review", ", ", "é", "中文", "\n"];
    private static readonly AttributeMap?[] TypingFormats =
        [null, null, null, null, AttributeMap.Of(("bold", true)), AttributeMap.Of(("italic", true))];
    private static readonly AttributeMap?[] RangeFormats =
    [
        AttributeMap.Of(("bold", true)), AttributeMap.Of(("bold", null)), AttributeMap.Of(("italic", true)),
        AttributeMap.Of(("italic", null)), AttributeMap.Of(("color", "#e60000")), AttributeMap.Of(("color", null)),
        AttributeMap.Of(("bold", true), ("underline", true)), AttributeMap.Of(("link", "https://example.com/spec")),
    ];
    private static readonly AttributeMap?[] LineFormats =
    [
        AttributeMap.Of(("header", 1)), AttributeMap.Of(("header", 2)), AttributeMap.Of(("list", "bullet")),
        AttributeMap.Of(("header", null)), AttributeMap.Of(("list", null)),
    ];
    private static readonly JsonElement Image = JsonSerializer.SerializeToElement(new { image = "https://example.com/chart.png" });

    public static RichTextWorkload Generate(int seed, int totalOps)
    {
        var random = new Random(seed);
        var entries = new List<Entry>(totalOps);
        var made = new int[2];
        Delta merged = Delta.Empty;
        while (entries.Count < totalOps)
        {
            int perAgent = 1 + random.Next(4);
            int[] seenAtStart = [made[0], made[1]];
            var local = new[] { merged, merged };
            var round = new List<Entry>();
            for (int i = 0; i < perAgent; i++)
            {
                for (int agent = 0; agent < 2; agent++)
                {
                    Delta op = RandomOp(random, local[agent]);
                    local[agent] = RichTextType.Apply(local[agent], op);
                    round.Add(new Entry(agent, seenAtStart[1 - agent], op));
                    made[agent]++;
                }
            }
            // Interleave the round's ops in a random order that keeps each agent's own order.
            var queues = new[] { new Queue<Entry>(round.Where(e => e.Agent == 0)), new Queue<Entry>(round.Where(e => e.Agent == 1)) };
            while (queues[0].Count + queues[1].Count > 0)
            {
                int pick = queues[0].Count == 0 ? 1 : queues[1].Count == 0 ? 0 : random.Next(2);
                entries.Add(queues[pick].Dequeue());
            }
            merged = Replay(merged, entries, fromEntry: entries.Count - round.Count, seenOffset: seenAtStart);
        }
        return new RichTextWorkload(entries);
    }

    /// <summary>
    /// Merges the log into one document from the empty one, as the server would: each op transformed past the other
    /// agent's ops its author had not seen (and those past it), then applied.
    /// </summary>
    /// <summary>
    /// The same, with <paramref name="ownedDocument"/> false through <see cref="RichTextType.Apply"/> (a new immutable
    /// delta per op) instead of a <see cref="RichTextDocument"/>.
    /// </summary>
    public Delta Replay(bool ownedDocument = true) => Replay(Delta.Empty, Entries, 0, [0, 0], ownedDocument);

    // The document is a RichTextDocument, as a server holding a document's current version would keep it.
    private static Delta Replay(Delta start, IReadOnlyList<Entry> entries, int fromEntry, int[] seenOffset, bool ownedDocument = true)
    {
        RichTextDocument? doc = ownedDocument ? new RichTextDocument(start) : null;
        Delta value = start;
        // unseen[a]: ops of the other agent already applied that agent a has not seen yet, with their index.
        var unseen = new[] { new List<(Delta Op, int Index)>(), new List<(Delta Op, int Index)>() };
        var made = new[] { seenOffset[0], seenOffset[1] };
        for (int e = fromEntry; e < entries.Count; e++)
        {
            Entry entry = entries[e];
            var bridge = unseen[entry.Agent];
            int known = 0;
            while (known < bridge.Count && bridge[known].Index < entry.OtherSeen) known++;
            if (known > 0) bridge.RemoveRange(0, known);
            var side = entry.Agent == 0 ? TransformSide.Left : TransformSide.Right;
            var otherSide = entry.Agent == 0 ? TransformSide.Right : TransformSide.Left;
            Delta op = entry.Op;
            for (int i = 0; i < bridge.Count; i++)
            {
                Delta theirs = bridge[i].Op;
                bridge[i] = (RichTextType.Transform(theirs, op, otherSide), bridge[i].Index);
                op = RichTextType.Transform(op, theirs, side);
            }
            if (doc is not null) doc.Apply(op);
            else value = RichTextType.Apply(value, op);
            unseen[1 - entry.Agent].Add((op, made[entry.Agent]++));
        }
        return doc?.Snapshot() ?? value;
    }

    private static Delta RandomOp(Random random, Delta doc)
    {
        int length = doc.Length;
        int roll = random.Next(100);
        if (length < 20 || roll < 50 && (length < TargetLength || random.Next(2) == 0))
        {
            int at = random.Next(length + 1);
            return Op(at, DeltaOp.Insert(Words[random.Next(Words.Length)], TypingFormats[random.Next(TypingFormats.Length)]));
        }
        if (roll < 72)
        {
            int at = random.Next(length);
            int count = Math.Min(length - at, 1 + random.Next(length > TargetLength ? 40 : 6));
            return Op(at, DeltaOp.Delete(count));
        }
        if (roll < 92)
        {
            int at = random.Next(length);
            int count = Math.Min(length - at, 1 + random.Next(30));
            return Op(at, DeltaOp.Retain(count, RangeFormats[random.Next(RangeFormats.Length)]));
        }
        if (roll < 97)
        {
            // A line format goes on the newline that ends the line.
            int newline = doc.ToPlainText().IndexOf('\n', random.Next(length));
            if (newline >= 0) return Op(newline, DeltaOp.Retain(1, LineFormats[random.Next(LineFormats.Length)]));
        }
        return Op(random.Next(length + 1), DeltaOp.InsertEmbed(Image));
    }

    private static Delta Op(int at, DeltaOp change) =>
        new(at == 0 ? [change] : [DeltaOp.Retain(at), change]);

    /// <summary>
    /// The log as JSON for reference-rich-text/replay.js: {"end", "entries":[{"agent","otherSeen","op"}]}, with "end"
    /// the merged document our replay gives, which the reference's must equal.
    /// </summary>
    public string ToJson(Delta end)
    {
        var sb = new StringBuilder();
        sb.Append("{\"end\":").Append(end.ToJson()).Append(",\"entries\":[");
        for (int i = 0; i < Entries.Count; i++)
        {
            if (i > 0) sb.Append(',');
            Entry e = Entries[i];
            sb.Append("{\"agent\":").Append(e.Agent).Append(",\"otherSeen\":").Append(e.OtherSeen).Append(",\"op\":").Append(e.Op.ToJson()).Append('}');
        }
        return sb.Append("]}").ToString();
    }
}
