using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CollabHost.Tests.Security;

namespace CollabHost.Tests.Queries;

/// <summary><c>GET /api/docs/{collection}?q=</c>: ids, versions, types and times of the documents a query matches, for the token's eyes only.</summary>
public sealed class DocumentQueryEndpointTests
{
    private static async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(SecuredHost host, string collection, string? q, string? token)
    {
        using var http = new HttpClient { BaseAddress = host.HttpUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/docs/{collection}" + (q is null ? "" : "?q=" + Uri.EscapeDataString(q)));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body.Length > 0 ? JsonNode.Parse(body) : null);
    }

    [Fact]
    public async Task A_query_lists_the_readable_documents_with_versions_and_times_and_bad_ones_are_400()
    {
        await using var host = await SecuredHost.StartAsync();
        string notes = "c" + Guid.NewGuid().ToString("N")[..10];
        string ownerToken = SecuredHost.Token("owner", write: ["*"]);
        using var owner = await ProtocolSocket.OpenAsync(host.WebSocketUrl, ownerToken);
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach ((string id, int n) in new[] { ("team-a", 3), ("secret", 9), ("team-b", 7) })
        {
            await owner.SendAsync(new JsonObject
            {
                ["a"] = "op", ["c"] = notes, ["d"] = id, ["v"] = null, ["seq"] = owner.LastSeq + 1,
                ["create"] = new JsonObject { ["type"] = "http://sharejs.org/types/JSONv0", ["data"] = new JsonObject { ["n"] = n } },
            });
            await owner.ReceiveAsync(m => (string?)m["a"] == "op" && (string?)m["d"] == id);
        }
        JsonNode? all = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            (_, all) = await GetAsync(host, notes, null, ownerToken);
            if (all!["docs"]!.AsArray().Count == 3) break;
        }
        Assert.Equal(3, all!["docs"]!.AsArray().Count);

        string guest = SecuredHost.Token("guest", read: [notes + "/team-*"]);
        (HttpStatusCode status, JsonNode? body) = await GetAsync(host, notes, """{"n":{"$gt":1},"$sort":{"n":-1}}""", guest);
        Assert.Equal(HttpStatusCode.OK, status);
        JsonArray docs = body!["docs"]!.AsArray();
        Assert.Equal(["team-b", "team-a"], docs.Select(d => (string)d!["d"]!));
        Assert.All(docs, d =>
        {
            Assert.Equal(1, (long)d!["v"]!);
            Assert.Equal("http://sharejs.org/types/JSONv0", (string)d["type"]!);
            Assert.InRange((long)d["ctime"]!, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            Assert.Equal((long)d["ctime"]!, (long)d["mtime"]!);
        });
        Assert.Equal(2, (long)(await GetAsync(host, notes, """{"$count":true}""", guest)).Body!["count"]!);

        (status, body) = await GetAsync(host, notes, """{"n":{"$regex":"1"}}""", guest);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ERR_QUERY_NOT_SUPPORTED", (string)body!["title"]!);
        Assert.Contains("$regex", (string)body["detail"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(host, notes, "{not json", guest)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host, notes, "{}", null)).Status);
    }
}
