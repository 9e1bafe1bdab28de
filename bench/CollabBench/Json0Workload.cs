using System.Text;
using CollabText;
using CollabText.Json0;

namespace CollabBench;

/// <summary>
/// A seeded json0 editing session for the benchmark: two agents edit a shared task board (a title string, a list of
/// items with text, a done flag and a vote count, and a tags object) in rounds. In each round both start from the
/// merged board and make ops on their own copy; the log records each op with how many of the other agent's ops its
/// author had seen, so a replay merges them as a server would (transforming past the unseen ones).
/// Ops are the kinds ShareDB apps send: si/sd typing, od+oi toggles, na votes, li/ld items, lm reorders, tags.
/// </summary>
internal sealed record Json0Workload(Json0Value Start, IReadOnlyList<Json0Workload.Entry> Entries)
{
    internal sealed record Entry(int Agent, int OtherSeen, Json0Op Op);

    public static Json0Workload Generate(int seed, int totalOps)
    {
        var random = new Random(seed);
        Json0Value start = Json0Value.Parse("""{"title":"Board","items":[],"tags":{}}""");
        var entries = new List<Entry>(totalOps);
        var made = new int[2];
        Json0Value merged = start;
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
                    Json0Op op = RandomOp(random, local[agent]);
                    local[agent] = Json0Type.Apply(local[agent], op);
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
            merged = Replay(new Json0Workload(merged, entries), fromEntry: entries.Count - round.Count, seenOffset: seenAtStart, out _);
        }
        return new Json0Workload(start, entries);
    }

    /// <summary>Merges the log into one document, as the server would: each op transformed past the other agent's ops its author had not seen.</summary>
    /// <summary>
    /// The same, with <paramref name="ownedDocument"/> false through <see cref="Json0Type.Apply(Json0Value, Json0Op)"/>
    /// (a new immutable value per op) instead of a <see cref="Json0Document"/>.
    /// </summary>
    public Json0Value Replay(bool ownedDocument = true) => Replay(this, 0, [0, 0], out _, ownedDocument);

    // The document is a Json0Document, as a server holding a document's current version would keep it: it edits in
    // place what its own edits made (as the reference's apply edits its snapshot in place).
    private static Json0Value Replay(Json0Workload workload, int fromEntry, int[] seenOffset, out int applied, bool ownedDocument = true)
    {
        Json0Document? doc = ownedDocument ? new Json0Document(workload.Start) : null;
        Json0Value value = workload.Start;
        // unseen[a]: ops of the other agent already applied that agent a has not seen yet, with their index.
        var unseen = new[] { new List<(Json0Op Op, int Index)>(), new List<(Json0Op Op, int Index)>() };
        var made = new[] { seenOffset[0], seenOffset[1] };
        applied = 0;
        var entries = workload.Entries;
        for (int e = fromEntry; e < entries.Count; e++)
        {
            Entry entry = entries[e];
            var bridge = unseen[entry.Agent];
            int known = 0;
            while (known < bridge.Count && bridge[known].Index < entry.OtherSeen) known++;
            if (known > 0) bridge.RemoveRange(0, known);
            var side = entry.Agent == 0 ? TransformSide.Left : TransformSide.Right;
            var otherSide = entry.Agent == 0 ? TransformSide.Right : TransformSide.Left;
            Json0Op op = entry.Op;
            for (int i = 0; i < bridge.Count; i++)
            {
                Json0Op theirs = bridge[i].Op;
                bridge[i] = (Json0Type.Transform(theirs, op, otherSide), bridge[i].Index);
                op = Json0Type.Transform(op, theirs, side);
            }
            if (doc is not null) doc.Apply(op);
            else value = Json0Type.Apply(value, op);
            unseen[1 - entry.Agent].Add((op, made[entry.Agent]++));
            applied++;
        }
        return doc?.Snapshot() ?? value;
    }

    private static readonly string[] Words = ["plan", "ship", "fix", "review", "write", "test", "deploy", "call", "é", "中文", " "];
    private static readonly string[] Tags = ["urgent", "later", "bug", "idea", "ops"];

    private static Json0Op RandomOp(Random random, Json0Value board)
    {
        board.TryGetProperty("items", out Json0Value items);
        board.TryGetProperty("title", out Json0Value title);
        board.TryGetProperty("tags", out Json0Value tags);
        int n = items.Count;
        int roll = random.Next(100);
        if (n < 4 || (roll < 10 && n < 150))
        {
            var item = Json0Value.Object([
                new("text", Json0Value.String(Words[random.Next(Words.Length)])),
                new("done", Json0Value.False),
                new("votes", Json0Value.Number(0)),
            ]);
            return Op(Json0Component.InsertIntoList(["items", random.Next(n + 1)], item));
        }
        int at = random.Next(n);
        Json0Value target = items[at];
        target.TryGetProperty("text", out Json0Value text);
        string s = text.AsString();
        switch (roll)
        {
            case < 45: // typing into an item
                return Op(Json0Component.InsertIntoString(["items", at, "text", random.Next(s.Length + 1)], Words[random.Next(Words.Length)]));
            case < 55 when s.Length > 0:
            {
                int from = random.Next(s.Length);
                return Op(Json0Component.DeleteFromString(["items", at, "text", from], s.Substring(from, Math.Min(s.Length - from, 1 + random.Next(4)))));
            }
            case < 63:
            {
                target.TryGetProperty("done", out Json0Value done);
                return Op(Json0Component.ReplaceInObject(["items", at, "done"], done, Json0Value.Boolean(!done.AsBoolean())));
            }
            case < 73:
                return Op(Json0Component.AddToNumber(["items", at, "votes"], 1));
            case < 80:
                return Op(Json0Component.MoveInList(["items", at], random.Next(n)));
            case < 86 when n > 20:
                return Op(Json0Component.DeleteFromList(["items", at], target));
            case < 93:
            {
                string t = title.AsString();
                return t.Length > 40 && random.Next(2) == 0
                    ? Op(Json0Component.DeleteFromString(["title", 0], t[..5]))
                    : Op(Json0Component.InsertIntoString(["title", t.Length], Words[random.Next(Words.Length)]));
            }
            default:
            {
                string tag = Tags[random.Next(Tags.Length)];
                return tags.TryGetProperty(tag, out Json0Value old)
                    ? Op(Json0Component.DeleteFromObject(["tags", tag], old))
                    : Op(Json0Component.InsertIntoObject(["tags", tag], Json0Value.Number(random.Next(100))),
                        Json0Component.AddToNumber(["tags", tag], 1));
            }
        }
    }

    private static void JsonText(StringBuilder sb, string text) =>
        sb.Append(System.Text.Json.JsonSerializer.Serialize(text));

    private static Json0Op Op(params Json0Component[] components) => new(components);

    /// <summary>
    /// The log as JSON for reference-json0/replay.js: {"start", "end", "entries":[{"agent","otherSeen","op"}]}, with
    /// "end" the merged document our replay gives, which the reference's must equal.
    /// </summary>
    public string ToJson(Json0Value end)
    {
        var sb = new StringBuilder();
        sb.Append("{\"start\":").Append(Start.ToJson()).Append(",\"end\":");
        JsonText(sb, end.ToJson());
        sb.Append(",\"entries\":[");
        for (int i = 0; i < Entries.Count; i++)
        {
            if (i > 0) sb.Append(',');
            Entry e = Entries[i];
            sb.Append("{\"agent\":").Append(e.Agent).Append(",\"otherSeen\":").Append(e.OtherSeen).Append(",\"op\":").Append(e.Op.ToJson()).Append('}');
        }
        return sb.Append("]}").ToString();
    }
}
