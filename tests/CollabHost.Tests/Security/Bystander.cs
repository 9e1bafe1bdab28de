using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

/// <summary>
/// The check every attack test makes while its attack runs: a fresh client, on a document of its own, gets its op
/// acknowledged and a fetch answered within a bound (one second unless told), so one client never stops the others.
/// </summary>
public static class Bystander
{
    public const string Collection = "bystanders";

    /// <summary>A token a bystander may use on a host with authentication on.</summary>
    public static string Token() => SecuredHost.Token("bystander", write: [Collection + "/*"]);

    public static async Task<TimeSpan> AssertServedAsync(Uri webSocketUrl, string? token = null, TimeSpan? within = null)
    {
        TimeSpan bound = within ?? TimeSpan.FromSeconds(1);
        using var client = await ProtocolSocket.OpenAsync(webSocketUrl, token);
        string id = "b-" + Guid.NewGuid().ToString("N");
        // Creating starts a document actor and reads the journal: setup, not the service being measured.
        await client.CreateAsync(Collection, id, "");
        Assert.Null((await client.ReceiveAckAsync(TimeSpan.FromSeconds(30)))["error"]);

        var clock = Stopwatch.StartNew();
        await client.InsertAsync(Collection, id, 1, "served");
        JsonObject ack = await client.ReceiveAckAsync(bound + TimeSpan.FromSeconds(10));
        Assert.Null(ack["error"]);
        await client.FetchAsync(Collection, id);
        JsonObject fetched = await client.ReceiveAsync(m => (string?)m["a"] == "f" && (string?)m["d"] == id, bound + TimeSpan.FromSeconds(10));
        clock.Stop();
        Assert.Equal("served", (string?)fetched["data"]!["data"]);
        Assert.True(clock.Elapsed < bound, $"a bystander's submit and fetch took {clock.Elapsed.TotalMilliseconds:F0} ms (bound {bound.TotalMilliseconds:F0} ms)");
        return clock.Elapsed;
    }
}
