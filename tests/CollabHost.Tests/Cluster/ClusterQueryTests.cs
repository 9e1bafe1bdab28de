using System.Text.Json.Nodes;
using CollabHost.Tests.Security;
using CollabHost.Tests.Support;
using Xunit.Abstractions;

namespace CollabHost.Tests.Cluster;

/// <summary>
/// Queries in a PostgreSQL cluster: one node projects the shared read model (it holds the projector lock), a document
/// written through any node is found by a query on every node, and a subscribe query on one node sees the changes
/// made through the others as they happen, without asking again.
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

    /// <summary>
    /// An insert, a change that enters the results, one that leaves them, and a delete, each reaching node A's subscriber
    /// as the right diff. The latencies are printed, not asserted: the 1 s target of issue 18 is a speed figure
    /// (docs/queries.md, "Measured"), and on a shared 2-core machine running other suites they vary from tens of
    /// milliseconds to most of a second (725 ms beside three busy loops) without anything being wrong.
    /// </summary>
    [Fact]
    public async Task A_subscribe_query_on_one_node_sees_inserts_entries_leaves_and_deletes_made_through_the_others()
    {
        using JournalStore store = JournalStore.Create(JournalStore.PostgreSql);
        using ClusterNodes cluster = await ClusterNodes.StartAsync(store, 3);
        try
        {
            string collection = "s" + Guid.NewGuid().ToString("N")[..10];
            using var subscriber = await ProtocolSocket.OpenAsync(cluster.WebSocket(0));
            using var nodeB = await ProtocolSocket.OpenAsync(cluster.WebSocket(1));
            using var nodeC = await ProtocolSocket.OpenAsync(cluster.WebSocket(2));
            await subscriber.SendAsync(new JsonObject
            {
                ["a"] = "qs", ["id"] = 1, ["c"] = collection, ["q"] = JsonNode.Parse("""{"status":"open","$sort":{"n":1}}"""),
            });
            JsonObject first = await subscriber.ReceiveAsync(m => (string?)m["a"] == "qs", Within);
            Assert.Null(first["error"]);
            Assert.Empty(first["data"]!.AsArray());

            var latencies = new List<(string Step, TimeSpan Latency)>();
            async Task<JsonObject> Step(string name, ProtocolSocket writer, string id, JsonObject op)
            {
                op["a"] = "op";
                op["c"] = collection;
                op["d"] = id;
                op["seq"] = writer.NextSeq();
                await writer.SendAsync(op);
                JsonObject ack = await writer.ReceiveAsync(m => (string?)m["a"] == "op" && (string?)m["d"] == id, Within);
                Assert.Null(ack["error"]);
                var acked = System.Diagnostics.Stopwatch.StartNew();
                JsonObject diff = await subscriber.ReceiveAsync(m => (string?)m["a"] == "q" && (long?)m["id"] == 1, Within);
                latencies.Add((name, acked.Elapsed));
                output.WriteLine($"{name}: seen on node A {acked.Elapsed.TotalMilliseconds:0} ms after the ack: {diff.ToJsonString()}");
                return diff;
            }
            JsonObject Create(object data) => new()
            {
                ["v"] = null, ["create"] = new JsonObject { ["type"] = "http://sharejs.org/types/JSONv0", ["data"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(data)) },
            };

            JsonObject inserted = await Step("insert through node B", nodeB, "x", Create(new { status = "open", n = 1 }));
            Assert.Equal("insert", (string?)inserted["diff"]![0]!["type"]);
            Assert.Equal("x", (string?)inserted["diff"]![0]!["values"]![0]!["d"]);

            await nodeC.SendAsync(new JsonObject
            {
                ["a"] = "op", ["c"] = collection, ["d"] = "y", ["seq"] = nodeC.NextSeq(), ["v"] = null,
                ["create"] = new JsonObject { ["type"] = "http://sharejs.org/types/JSONv0", ["data"] = JsonNode.Parse("""{"status":"closed","n":2}""") },
            });
            Assert.Null((await nodeC.ReceiveAsync(m => (string?)m["a"] == "op" && (string?)m["d"] == "y", Within))["error"]);
            JsonObject entered = await Step("enter through node C", nodeC, "y",
                new JsonObject { ["v"] = 1, ["op"] = JsonNode.Parse("""[{"p":["status"],"od":"closed","oi":"open"}]""") });
            Assert.Equal("insert", (string?)entered["diff"]![0]!["type"]);
            Assert.Equal(1, (int?)entered["diff"]![0]!["index"]);
            Assert.Equal("y", (string?)entered["diff"]![0]!["values"]![0]!["d"]);

            JsonObject left = await Step("leave through node B", nodeB, "x",
                new JsonObject { ["v"] = 1, ["op"] = JsonNode.Parse("""[{"p":["status"],"od":"open","oi":"closed"}]""") });
            Assert.Equal("remove", (string?)left["diff"]![0]!["type"]);
            Assert.Equal(0, (int?)left["diff"]![0]!["index"]);

            JsonObject deleted = await Step("delete through node C", nodeC, "y", new JsonObject { ["v"] = 2, ["del"] = true });
            Assert.Equal("remove", (string?)deleted["diff"]![0]!["type"]);
            Assert.Equal(0, (int?)deleted["diff"]![0]!["index"]);

            output.WriteLine("latencies (ack on the writer's node to q on node A): " +
                             string.Join(", ", latencies.Select(l => $"{l.Step} {l.Latency.TotalMilliseconds:0} ms")));
        }
        catch
        {
            output.WriteLine(cluster.Output());
            throw;
        }
    }
}
