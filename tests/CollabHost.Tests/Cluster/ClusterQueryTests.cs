using System.Text.Json.Nodes;
using CollabHost.Tests.Security;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests.Cluster;

/// <summary>
/// Fetch queries in a PostgreSQL cluster: one node projects the shared read model (it holds the projector lock), and
/// a document written through any node is found by a query on every node.
/// </summary>
public sealed class ClusterQueryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_document_written_through_any_node_is_found_by_a_query_on_every_node()
    {
        using JournalStore store = JournalStore.Create(JournalStore.PostgreSql);
        using ClusterNodes cluster = await ClusterNodes.StartAsync(store, 3);
        try
        {
            string collection = "c" + Guid.NewGuid().ToString("N")[..10];
            var expected = new List<string>();
            for (int node = 0; node < cluster.Count; node++)
            {
                using var author = await ProtocolSocket.OpenAsync(cluster.WebSocket(node));
                for (int i = 0; i < 3; i++)
                {
                    string id = $"n{node}-{i}";
                    await author.SendAsync(new JsonObject
                    {
                        ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = null, ["seq"] = author.LastSeq + 1,
                        ["create"] = new JsonObject { ["type"] = "http://sharejs.org/types/JSONv0", ["data"] = new JsonObject { ["node"] = node, ["i"] = i } },
                    });
                    JsonObject ack = await author.ReceiveAsync(m => (string?)m["a"] == "op" && (string?)m["d"] == id, Within);
                    Assert.Null(ack["error"]);
                    expected.Add(id);
                }
            }

            for (int node = 0; node < cluster.Count; node++)
            {
                using var reader = await ProtocolSocket.OpenAsync(cluster.WebSocket(node));
                string[] ids = [];
                var deadline = DateTime.UtcNow + Within;
                for (long queryId = 1; DateTime.UtcNow < deadline; queryId++)
                {
                    await reader.SendAsync(new JsonObject { ["a"] = "qf", ["id"] = queryId, ["c"] = collection, ["q"] = JsonNode.Parse("""{"$sort":{"_id":1}}""") });
                    long asked = queryId;
                    JsonObject reply = await reader.ReceiveAsync(m => (string?)m["a"] == "qf" && (long?)m["id"] == asked, Within);
                    Assert.Null(reply["error"]);
                    ids = [.. reply["data"]!.AsArray().Select(d => (string)d!["d"]!)];
                    if (ids.Length == expected.Count) break;
                    await Task.Delay(50);
                }
                Assert.Equal(expected.Order(StringComparer.Ordinal), ids);
            }
        }
        catch
        {
            output.WriteLine(cluster.Output());
            throw;
        }
    }
}
