using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CollabHost.Tests.Support;

/// <summary>
/// Speaks the ShareDB protocol as JSON frames by hand, for what the client library does not do on purpose:
/// resending an op with a chosen src and seq, nf/nt requests.
/// </summary>
public sealed class RawShareDbClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket _socket = new();

    public string ClientId { get; private set; } = "";

    /// <summary>
    /// Connects and shakes hands; <paramref name="clientId"/> resumes that client id (as a reconnecting ShareDB client
    /// does), and ops may only carry the connection's own id as their src.
    /// </summary>
    public static async Task<RawShareDbClient> ConnectAsync(Uri ws, string? clientId = null)
    {
        var client = new RawShareDbClient();
        await client._socket.ConnectAsync(ws, CancellationToken.None);
        await client.SendAsync(new JsonObject { ["a"] = "hs", ["protocol"] = 1, ["protocolMinor"] = 1, ["id"] = clientId });
        JsonObject hs = await client.ReceiveAsync(m => (string?)m["a"] == "hs");
        client.ClientId = (string)hs["id"]!;
        return client;
    }

    public Task SendAsync(JsonObject message) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads frames until one matches (others are dropped).</summary>
    public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> wanted) =>
        await TryReceiveAsync(wanted, ReplyTimeout) ?? throw new TimeoutException($"No matching reply within {ReplyTimeout}.");

    /// <summary>
    /// Reads frames until one matches, or null when none came within <paramref name="within"/>; then the socket is
    /// aborted (ClientWebSocket aborts on a cancelled receive), so connect again to carry on.
    /// </summary>
    public async Task<JsonObject?> TryReceiveAsync(Func<JsonObject, bool> wanted, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await ReceiveCoreAsync(wanted, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<JsonObject> ReceiveCoreAsync(Func<JsonObject, bool> wanted, CancellationToken cancel)
    {
        var buffer = new byte[1 << 20];
        while (true)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancel);
                length += result.Count;
            } while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("The server closed the socket.");
            var message = (JsonObject)JsonNode.Parse(buffer.AsSpan(0, length))!;
            if (wanted(message)) return message;
        }
    }

    /// <summary>Submits an edit with an explicit src and seq and returns the server's answer (ack or error).</summary>
    public async Task<JsonObject> SubmitAsync(string collection, string id, long version, string src, long seq, JsonNode op) =>
        await TrySubmitAsync(collection, id, version, src, seq, op, ReplyTimeout)
        ?? throw new TimeoutException($"No answer to op {src}/{seq} within {ReplyTimeout}.");

    /// <summary>As <see cref="SubmitAsync"/>, or null when no answer came within <paramref name="within"/>.</summary>
    public async Task<JsonObject?> TrySubmitAsync(
        string collection, string id, long version, string src, long seq, JsonNode op, TimeSpan within)
    {
        await SendAsync(new JsonObject
        {
            ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = version, ["src"] = src, ["seq"] = seq, ["op"] = op,
        });
        return await TryReceiveAsync(m => (string?)m["a"] == "op" && (string?)m["src"] == src && (long?)m["seq"] == seq, within);
    }

    public async Task<JsonObject> SnapshotAtVersionAsync(string collection, string id, long version, int requestId)
    {
        await SendAsync(new JsonObject { ["a"] = "nf", ["id"] = requestId, ["c"] = collection, ["d"] = id, ["v"] = version });
        return await ReceiveAsync(m => (string?)m["a"] == "nf" && (int?)m["id"] == requestId);
    }

    public async Task<JsonObject> SnapshotAtTimeAsync(string collection, string id, long timestampMs, int requestId)
    {
        await SendAsync(new JsonObject { ["a"] = "nt", ["id"] = requestId, ["c"] = collection, ["d"] = id, ["ts"] = timestampMs });
        return await ReceiveAsync(m => (string?)m["a"] == "nt" && (int?)m["id"] == requestId);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", new CancellationTokenSource(2000).Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The host may already be gone; the socket is disposed below either way.
        }
        _socket.Dispose();
    }
}
