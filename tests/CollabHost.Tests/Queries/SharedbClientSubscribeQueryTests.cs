using System.Text.Json;
using CollabClient.Tests.Support;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests.Queries;

/// <summary>
/// Subscribe queries through the unmodified sharedb 7 client, side by side with stock ShareDB 7 and
/// sharedb-mingo-memory (tests/CollabHost.Tests/sharedb-client/subscribe-queries.js): a sorted query and a $count
/// query, then an insert, an insert outside the results, a change that makes a document enter them, one that makes
/// one leave, a move in the sort order, an edit, and a delete. After each, both servers' results hold the same ids in
/// the same order with the same versions and data, the same count, and the step's event ('insert', 'remove', 'move')
/// arrived; a subscriber that reconnects (its client sends qs again with the versions it has) ends with the same
/// results and data; after qu, a change reaches the results no more.
/// </summary>
public sealed class SharedbClientSubscribeQueryTests(ITestOutputHelper output)
{
    private static readonly string Script = RepositoryPaths.Combine("tests", "CollabHost.Tests", "sharedb-client", "subscribe-queries.js");

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_subscribe_query_follows_inserts_entries_leaves_moves_and_deletes_as_stock_sharedb_does(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        output.WriteLine($"repeat against a running host: node subscribe-queries.js {host.WebSocket}");

        string stdout = await NodeScript.RunAsync(Script, [host.WebSocket.ToString()], TimeSpan.FromMinutes(2));
        JsonElement result = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]).RootElement;
        foreach (JsonElement step in result.GetProperty("steps").EnumerateArray()) output.WriteLine(step.ToString());
        output.WriteLine($"initial {result.GetProperty("initial")}");

        JsonElement initial = result.GetProperty("initial");
        Assert.Equal(initial.GetProperty("stock").ToString(), initial.GetProperty("collab").ToString());
        Assert.Equal(initial.GetProperty("countStock").GetInt32(), initial.GetProperty("countCollab").GetInt32());
        Assert.Equal(8, result.GetProperty("steps").GetArrayLength());
        foreach (JsonElement step in result.GetProperty("steps").EnumerateArray())
        {
            Assert.True(step.GetProperty("same").GetBoolean(), $"step {step.GetProperty("step")} differs: {step}");
        }
        Assert.True(result.GetProperty("finalSame").GetBoolean());
        Assert.True(result.GetProperty("afterDestroy").GetBoolean(), "a change reached the results after qu");
        Assert.Equal(0, result.GetProperty("failures").GetInt32());
    }
}
