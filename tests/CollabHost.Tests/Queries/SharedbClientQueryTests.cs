using System.Text.Json;
using CollabClient.Tests.Support;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests.Queries;

/// <summary>
/// Fetch queries through the unmodified sharedb 7 client: the same corpus (json0, text-unicode and rich-text documents,
/// edited and deleted by the same ops) on CollabHost and on stock ShareDB 7 with sharedb-mingo-memory, and 250
/// generated queries over the subset, each of which must give the same documents in the same order with the same
/// versions and data, or the same $count (tests/CollabHost.Tests/sharedb-client/queries.js).
/// </summary>
public sealed class SharedbClientQueryTests(ITestOutputHelper output)
{
    private const int Queries = 250;
    private static readonly string Script = RepositoryPaths.Combine("tests", "CollabHost.Tests", "sharedb-client", "queries.js");

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Generated_queries_give_the_same_documents_in_the_same_order_as_sharedb_mingo_memory(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        // The script seeds its corpus over one connection as fast as it can: the create budgets are lifted for it
        // (they are CreateBudgetTests' subject); every other limit is the default.
        await using InProcessHost host = await InProcessHost.StartAsync(store,
            "--Collab:Connections:CreatesPerSecond=100000", "--Collab:Connections:CreateBurst=100000",
            "--Collab:Limits:CreatesPerSecondPerIp=100000", "--Collab:Limits:CreateBurstPerIp=100000");
        int seed = Random.Shared.Next(1, 1_000_000);
        output.WriteLine($"seed {seed} (repeat against a running host: node queries.js <ws url> {seed} {Queries})");

        string stdout = await NodeScript.RunAsync(Script, [host.WebSocket.ToString(), seed.ToString(), Queries.ToString()], TimeSpan.FromMinutes(3));
        JsonElement result = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;
        output.WriteLine(result.ToString());

        Assert.Equal(Queries, result.GetProperty("queries").GetInt32());
        Assert.True(result.GetProperty("mismatchCount").GetInt32() == 0, $"queries that differ: {result.GetProperty("mismatches")}");
        Assert.Equal(0, result.GetProperty("errors").GetInt32());
        // The generator must have exercised what it claims to: results, sorting, paging and counting.
        Assert.True(result.GetProperty("nonEmpty").GetInt32() >= 40, "too few queries matched anything to tell");
        Assert.True(result.GetProperty("sorted").GetInt32() >= 50);
        Assert.True(result.GetProperty("paged").GetInt32() >= 50);
        Assert.True(result.GetProperty("counted").GetInt32() >= 5);
    }
}
