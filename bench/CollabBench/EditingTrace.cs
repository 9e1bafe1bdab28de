using System.IO.Compression;
using System.Text.Json;

namespace CollabBench;

/// <summary>One edit of a trace: like <c>Array.splice(Position, DeleteCount, Insert)</c>, in code points.</summary>
internal readonly record struct Patch(int Position, int DeleteCount, string Insert);

/// <summary>
/// One transaction of a trace. <see cref="OtherAgentSeen"/> is how many transactions of the other agent its author
/// had seen when making it (0 and unused in a sequential trace); <see cref="AgentIndex"/> is its position in its
/// author's own sequence.
/// </summary>
internal sealed record TraceTransaction(int Agent, int AgentIndex, int OtherAgentSeen, Patch[] Patches);

/// <summary>
/// An editing trace in the format of ../shared/traces (README there): gzipped JSON with startContent, endContent and
/// txns of patches; a concurrent trace (kind "concurrent") has two agents and parent links instead of a total order.
/// </summary>
internal sealed record EditingTrace(string Name, bool Concurrent, string StartContent, string EndContent, TraceTransaction[] Transactions)
{
    public int PatchCount { get; } = Transactions.Sum(t => t.Patches.Length);

    public static EditingTrace Load(string path)
    {
        using var file = File.OpenRead(path);
        using Stream input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var json = JsonDocument.Parse(input);
        var root = json.RootElement;
        string name = Path.GetFileName(path).Replace(".json.gz", "", StringComparison.Ordinal).Replace(".json", "", StringComparison.Ordinal);
        bool concurrent = root.TryGetProperty("kind", out var kind) && kind.GetString() == "concurrent";
        string start = root.TryGetProperty("startContent", out var s) ? s.GetString()! : "";
        string end = root.GetProperty("endContent").GetString()!;
        var txns = root.GetProperty("txns");
        var transactions = concurrent ? ReadConcurrent(txns, root.GetProperty("numAgents").GetInt32()) : ReadSequential(txns);
        return new EditingTrace(name, concurrent, start, end, transactions);
    }

    private static TraceTransaction[] ReadSequential(JsonElement txns)
    {
        var result = new TraceTransaction[txns.GetArrayLength()];
        int i = 0;
        foreach (var txn in txns.EnumerateArray())
        {
            result[i] = new TraceTransaction(0, i, 0, ReadPatches(txn.GetProperty("patches")));
            i++;
        }
        return result;
    }

    // The replay merges the two agents like a ShareDB server merges two clients, which needs each agent's own
    // transactions to form a chain (each one has seen all earlier ones of its agent); checked here.
    private static TraceTransaction[] ReadConcurrent(JsonElement txns, int agents)
    {
        if (agents != 2) throw new NotSupportedException($"concurrent traces with {agents} agents are not supported, only 2");
        int count = txns.GetArrayLength();
        var seen = new (int A0, int A1)[count]; // transactions of agent 0 and 1 in each one's history
        var agentOf = new int[count];
        var result = new TraceTransaction[count];
        var made = new int[2];
        int i = 0;
        foreach (var txn in txns.EnumerateArray())
        {
            int agent = txn.GetProperty("agent").GetInt32();
            if (agent is not (0 or 1)) throw new InvalidDataException($"txn {i}: agent {agent}");
            (int a0, int a1) = (0, 0);
            foreach (var parent in txn.GetProperty("parents").EnumerateArray())
            {
                int p = parent.GetInt32();
                if (p < 0 || p >= i) throw new InvalidDataException($"txn {i}: parent {p} is not an earlier txn");
                a0 = Math.Max(a0, seen[p].A0 + (agentOf[p] == 0 ? 1 : 0));
                a1 = Math.Max(a1, seen[p].A1 + (agentOf[p] == 1 ? 1 : 0));
            }
            seen[i] = (a0, a1);
            agentOf[i] = agent;
            int own = agent == 0 ? a0 : a1;
            if (own != made[agent])
                throw new InvalidDataException($"txn {i}: agent {agent} has seen {own} of its own {made[agent]} earlier txns");
            result[i] = new TraceTransaction(agent, made[agent]++, agent == 0 ? a1 : a0, ReadPatches(txn.GetProperty("patches")));
            i++;
        }
        return result;
    }

    private static Patch[] ReadPatches(JsonElement patches)
    {
        var result = new Patch[patches.GetArrayLength()];
        int i = 0;
        foreach (var p in patches.EnumerateArray())
        {
            result[i++] = new Patch(p[0].GetInt32(), p[1].GetInt32(), p[2].GetString()!);
        }
        return result;
    }
}
