using System.Text.Json;
using System.Text.Json.Nodes;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText.Json0;
using CollabText.Types;

namespace CollabQueryBench;

/// <summary>One document of the corpus: its committed history as a DocumentActor would have journaled it, and its end.</summary>
public sealed record CorpusDocument(DocumentId Id, IReadOnlyList<CommittedOp> History, string Data, long CreatedMs, long ModifiedMs);

/// <summary>
/// A task tracker's documents, the same for the same size and seed: json0 data with a title, a status (a quarter
/// open, half done), an owner (500 of them, a few owning many), a priority 1–5 and up to three tags. Documents are
/// created in order over a year; four in ten are never edited after, the others get one to three ops (status,
/// priority, a tag, the title) spread over the next month, so creation and modification times spread over time.
/// Every op goes through <see cref="DocumentState"/>, as a submitted op does, so the history is one the server
/// could have written.
/// </summary>
public sealed class TaskCorpus(int documents, int seed = 18)
{
    public const string Collection = "tasks";
    public const int Owners = 500;

    public static readonly string[] Statuses = ["open", "in-progress", "review", "done"];
    public static readonly string[] Tags = ["bug", "feature", "ui", "backend", "docs", "urgent", "security", "perf", "infra", "design",
        "mobile", "api", "billing", "search", "auth", "export", "import", "sync", "offline", "i18n"];

    /// <summary>The year the documents are created in ends here (Unix ms); edits may fall up to a month after.</summary>
    public static readonly long EndMs = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly long YearMs = (long)TimeSpan.FromDays(365).TotalMilliseconds;
    private static readonly long MonthMs = (long)TimeSpan.FromDays(30).TotalMilliseconds;
    private static readonly DocumentSettings Settings = new();

    public int Count => documents;

    public static string DocumentName(int index) => "t" + index.ToString("D6");

    public static string Owner(int index) => "user-" + index.ToString("D3");

    public IEnumerable<CorpusDocument> Documents()
    {
        var random = new Random(seed);
        long spacing = Math.Max(1, YearMs / Math.Max(1, documents));
        for (int i = 0; i < documents; i++)
        {
            long created = EndMs - YearMs + i * spacing + random.NextInt64(spacing);
            yield return Build(new DocumentId(Collection, DocumentName(i)), created, random);
        }
    }

    private static CorpusDocument Build(DocumentId id, long created, Random random)
    {
        var state = new DocumentState(id, Settings);
        var history = new List<CommittedOp>(4);
        long now = created;
        void Commit(OpChange change)
        {
            var decision = state.Decide("seed", history.Count + 1, state.Version, change, now);
            if (decision is not SubmitDecision.Commit commit) throw new InvalidOperationException($"{id}: {decision}");
            state.Apply(commit.Op);
            history.Add(commit.Op);
        }

        string status = Pick(random, [(Statuses[0], 25), (Statuses[1], 15), (Statuses[2], 10), (Statuses[3], 50)]);
        var tags = new JsonArray();
        foreach (string tag in Tags.OrderBy(_ => random.Next()).Take(Pick(random, [(0, 30), (1, 40), (2, 20), (3, 10)]))) tags.Add(tag);
        var data = new JsonObject
        {
            ["title"] = $"Task {id.Id}: {Tags[random.Next(Tags.Length)]} work item",
            ["status"] = status,
            // Skewed: owner 0 has about 4.5 % of the documents, most owners a few tenths of a percent.
            ["owner"] = Owner((int)(Owners * Math.Pow(random.NextDouble(), 2))),
            ["priority"] = random.Next(1, 6),
            ["tags"] = tags,
        };
        Commit(new CreateChange(Json0Type.Uri, new JsonText(data.ToJsonString())));

        int edits = Pick(random, [(0, 40), (1, 30), (2, 20), (3, 10)]);
        for (int e = 0; e < edits; e++)
        {
            now = Math.Min(now + 1 + random.NextInt64(MonthMs / 2), created + MonthMs);
            JsonObject current = JsonNode.Parse(state.Data!)!.AsObject();
            string op = random.Next(4) switch
            {
                0 => Replace("status", current["status"]!.GetValue<string>(), Statuses[random.Next(Statuses.Length)]),
                1 => $$"""[{"p":["priority"],"od":{{current["priority"]!.GetValue<int>()}},"oi":{{random.Next(1, 6)}}}]""",
                2 => $$"""[{"p":["tags",0],"li":"{{Tags[random.Next(Tags.Length)]}}"}]""",
                _ => $$"""[{"p":["title",{{current["title"]!.GetValue<string>().Length}}],"si":" (edited)"}]""",
            };
            Commit(new EditChange(Json0OtType.Instance.ReadOp(JsonDocument.Parse(op).RootElement)));
        }
        return new CorpusDocument(id, history, state.Data!, created, now);
    }

    private static string Replace(string field, string before, string after) =>
        $$"""[{"p":["{{field}}"],"od":"{{before}}","oi":"{{after}}"}]""";

    private static T Pick<T>(Random random, (T Value, int Weight)[] choices)
    {
        int roll = random.Next(choices.Sum(c => c.Weight));
        foreach ((T value, int weight) in choices)
        {
            if (roll < weight) return value;
            roll -= weight;
        }
        return choices[^1].Value;
    }
}
