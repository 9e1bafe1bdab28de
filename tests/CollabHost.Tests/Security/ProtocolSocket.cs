using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace CollabHost.Tests.Security;

/// <summary>
/// A bare ShareDB-protocol client over ClientWebSocket (JSON text frames) for security tests: it can present a token,
/// an Origin, or a forged field. Every wait is bounded.
/// </summary>
public sealed class ProtocolSocket : IDisposable
{
    public const string TextUnicode = "http://sharejs.org/types/text-unicode";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket = new();

    public string ClientId { get; private set; } = "";

    public WebSocket Socket => _socket;

    /// <summary>Connects, reads init and does the handshake (with <paramref name="previousId"/> if given).</summary>
    public static async Task<ProtocolSocket> OpenAsync(Uri url, string? token = null, string? origin = null,
        bool bearerHeader = false, string? previousId = null, string? forwardedFor = null)
    {
        var client = new ProtocolSocket();
        await client.ConnectAsync(url, token, origin, bearerHeader, forwardedFor);
        await client.ReceiveAsync(m => (string?)m["a"] == "init");
        await client.SendAsync(new JsonObject { ["a"] = "hs", ["id"] = previousId, ["protocol"] = 1, ["protocolMinor"] = 2 });
        JsonObject hs = await client.ReceiveAsync(m => (string?)m["a"] == "hs");
        client.ClientId = (string)hs["id"]!;
        return client;
    }

    /// <summary>The HTTP status the server answered an upgrade with (101 when it upgraded).</summary>
    public static async Task<HttpStatusCode> UpgradeStatusAsync(Uri url, string? token = null, string? origin = null, bool bearerHeader = false,
        string? forwardedFor = null)
    {
        using var client = new ProtocolSocket();
        try
        {
            await client.ConnectAsync(url, token, origin, bearerHeader, forwardedFor);
            return client._socket.HttpStatusCode;
        }
        catch (WebSocketException)
        {
            return client._socket.HttpStatusCode;
        }
    }

    private async Task ConnectAsync(Uri url, string? token, string? origin, bool bearerHeader, string? forwardedFor)
    {
        _socket.Options.CollectHttpResponseDetails = true;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        if (origin is not null) _socket.Options.SetRequestHeader("Origin", origin);
        if (forwardedFor is not null) _socket.Options.SetRequestHeader("X-Forwarded-For", forwardedFor);
        if (token is not null && bearerHeader) _socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        else if (token is not null) url = new Uri(url + "?token=" + Uri.EscapeDataString(token));
        using var cts = new CancellationTokenSource(Timeout);
        await _socket.ConnectAsync(url, cts.Token);
    }

    public async Task SendAsync(JsonObject message)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>Sends bytes as they are: a text frame, or a binary (MessagePack) one.</summary>
    public async Task SendRawAsync(byte[] payload, bool binary = false)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(payload, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, cts.Token);
    }

    public Task CreateAsync(string collection, string id, string text) => SendAsync(new JsonObject
    {
        ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = 0, ["seq"] = NextSeq(),
        ["create"] = new JsonObject { ["type"] = TextUnicode, ["data"] = text },
    });

    public Task InsertAsync(string collection, string id, long version, string text) => SendAsync(new JsonObject
    {
        ["a"] = "op", ["c"] = collection, ["d"] = id, ["v"] = version, ["seq"] = NextSeq(), ["op"] = new JsonArray(text),
    });

    public Task FetchAsync(string collection, string id) =>
        SendAsync(new JsonObject { ["a"] = "f", ["c"] = collection, ["d"] = id });

    private long _seq;

    public long NextSeq() => ++_seq;

    /// <summary>The seq of the latest op sent.</summary>
    public long LastSeq => _seq;

    /// <summary>The reply to this client's latest op: its ack or its error (catch-up ops carry an op and are skipped).</summary>
    public Task<JsonObject> ReceiveAckAsync(TimeSpan? timeout = null)
    {
        long seq = _seq;
        return ReceiveAsync(m => (string?)m["a"] == "op" && m["op"] is null && m["create"] is null && m["del"] is null
                                 && m["seq"] is JsonValue s && (long)s == seq, timeout);
    }

    /// <summary>The next message matching <paramref name="wanted"/>; others are skipped. Throws on a close.</summary>
    public async Task<JsonObject> ReceiveAsync(Func<JsonObject, bool> wanted, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            JsonObject? message = await ReceiveMessageAsync(cts.Token)
                ?? throw new WebSocketException($"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
            if (wanted(message)) return message;
        }
    }

    /// <summary>Reads until the server closes; returns the close status (messages before it are skipped).</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await ReceiveMessageAsync(cts.Token) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            // The server cut the connection without a close frame.
        }
        return _socket.CloseStatus;
    }

    private async Task<JsonObject?> ReceiveMessageAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        using var frame = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            frame.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        // Binary frames are MessagePack (the server answers in the encoding of the client's latest frame).
        return result.MessageType == WebSocketMessageType.Binary
            ? JsonNode.Parse(MessagePack.MessagePackSerializer.ConvertToJson(frame.ToArray()))!.AsObject()
            : JsonNode.Parse(frame.ToArray())!.AsObject();
    }

    public void Dispose() => _socket.Dispose();
}
