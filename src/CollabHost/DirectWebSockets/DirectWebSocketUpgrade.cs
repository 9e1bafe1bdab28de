using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using CollabActors.Connections;
using CollabActors.Diagnostics;
using CollabActors.Security;
using CollabHost.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace CollabHost.DirectWebSockets;

/// <summary>
/// Kestrel connection middleware that answers a plain WebSocket handshake for <c>/ws</c> itself, on the connection's
/// transport, so the socket does not live inside an HTTP request. Through ASP.NET Core a WebSocket keeps its whole
/// HTTP/1.1 request for life: the connection's HTTP state, both header collections, the context, the middleware's
/// suspended state machines, about half of an idle connection's heap (docs/benchmarks.md, "What an idle connection
/// holds"). Here the socket keeps only Kestrel's transport connection under it.
/// <para>
/// It takes only what it can answer with 101 exactly as the HTTP path would: a head that <see cref="UpgradeRequestHead"/>
/// reads, from a client that is not a trusted proxy, for an allowed host and origin, with a token the JwtBearer handler
/// would accept (<see cref="AccessTokenValidator"/>) and a place under the connection limits. Everything else (any other
/// request, TLS, HTTP/2, and every refusal) goes on to Kestrel's HTTP layer with none of its bytes consumed, and gets
/// the answer it always got there.
/// </para>
/// </summary>
public sealed class DirectWebSocketUpgrade(IServiceProvider services, Func<IPAddress, bool> isTrustedProxy, IReadOnlyList<string> allowedHosts)
{
    /// <summary>Longest head this path reads; a longer one goes to the HTTP layer, whose own limits answer it.</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>RFC 6455 §1.3: the GUID appended to the client's key to make Sec-WebSocket-Accept.</summary>
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private readonly IHostApplicationLifetime _lifetime = services.GetRequiredService<IHostApplicationLifetime>();
    private readonly OriginPolicy _origins = services.GetRequiredService<OriginPolicy>();
    private readonly AuthOptions _auth = services.GetRequiredService<IOptions<CollabOptions>>().Value.Auth;

    /// <summary>How long a head may take to arrive: Kestrel's own <c>RequestHeadersTimeout</c> (30 s unless configured).</summary>
    private readonly TimeSpan _headTimeout = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.RequestHeadersTimeout;

    private long _served;

    /// <summary>WebSockets this node served below the HTTP layer since it started.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>What serves a counted connection: <see cref="ServeAsync"/>, with <paramref name="http"/> (Kestrel's HTTP layer) for the rest.</summary>
    public CountedConnectionDelegate Wrap(ConnectionDelegate http) => (connection, lease) => ServeAsync(connection, lease, http);

    /// <summary>
    /// Serves the connection as a WebSocket to its end, or hands it to <paramref name="http"/> having consumed nothing.
    /// The handshake is done in a method of its own that has ended by the time the socket runs, and what Kestrel awaits
    /// meanwhile is a stand-in for the session's task (<see cref="TaskExtensions.Unwrap(Task{Task})"/>, 72 bytes), not a
    /// state machine suspended around it (128).
    /// </summary>
    /// <param name="lease">The connection's place under the pending-connection limiter: given back when the connection closes.</param>
    private Task ServeAsync(ConnectionContext connection, PendingConnectionLimiter.Lease lease, ConnectionDelegate http) =>
        HandshakeAsync(connection, lease, http).Unwrap();

    /// <summary>The handshake; its result is what serves the connection after it: the WebSocket's session, or the HTTP layer.</summary>
    private async Task<Task> HandshakeAsync(ConnectionContext connection, PendingConnectionLimiter.Lease lease, ConnectionDelegate http)
    {
        Accepted? accepted;
        try
        {
            accepted = await TryAcceptAsync(connection, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        if (accepted is null) return PendingConnectionGate.ServeOverHttpAsync(http, connection, lease);
        Interlocked.Increment(ref _served);
        CollabMetrics.WebSocketServedBelowHttp();
        // The session gives the lease back at its end (the admission holds it): the connection ends with the socket.
        return services.GetRequiredService<WebSocketSessions>().RunAsync(accepted.Admission, accepted.Socket, accepted.Stream, accepted.Access,
            "HTTP/1.1", connection.ConnectionClosed,
            static c => ((ConnectionContext)c).Abort(new ConnectionAbortedException("The connection's actor ended it.")), connection);
    }

    /// <summary>A handshake answered with 101: the socket, the stream under it, what it may do and its place under the limits.</summary>
    private sealed record Accepted(WebSocketSessions.Admission Admission, WebSocket Socket, HeartbeatStream Stream, ConnectionAccess Access);

    /// <summary>
    /// Answers the handshake with 101 when every check passes; null when the connection is not one this path takes, having
    /// consumed nothing, or when the client left before its answer.
    /// </summary>
    private async Task<Accepted?> TryAcceptAsync(ConnectionContext connection, PendingConnectionLimiter.Lease lease)
    {
        // Behind a trusted proxy the client's address is in X-Forwarded-For, which the HTTP layer's forwarded-headers
        // middleware reads; the connection limits must count the client, not the proxy.
        if (connection.RemoteEndPoint is not IPEndPoint { Address: var peer }) return null;
        IPAddress address = ConnectionLimiter.AddressKey(peer);
        if (isTrustedProxy(address)) return null;

        if (await ReadHeadAsync(connection.Transport.Input, connection.ConnectionClosed) is not { } read) return null;
        (UpgradeRequestHead head, int headLength) = read;
        if (_lifetime.ApplicationStopping.IsCancellationRequested) return null;
        if (!AllowedHosts.Matches(new HostString(head.Host).Host, allowedHosts) || !_origins.Allows(head.Origin, head.Host)) return null;
        ConnectionAccess access = ConnectionAccess.Unrestricted;
        if (_auth.Enabled)
        {
            if (await AccessOfAsync(head, connection.ConnectionClosed) is not { } granted) return null;
            access = granted;
        }
        if (services.GetRequiredService<WebSocketSessions>().TryAdmit(address, lease, connectionEndsWithSocket: true, out _) is not { } admission) return null;

        try
        {
            await AnswerAsync(connection.Transport, head.Key, headLength, connection.ConnectionClosed);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client left before its answer. Cut the connection, so the HTTP layer it goes on to finds nothing
            // half-answered to read and ends it; closed, it no longer counts as open either (the admission holds that).
            connection.Abort(new ConnectionAbortedException("The client left before the answer to its handshake."));
            admission.Dispose();
            return null;
        }
        var stream = new HeartbeatStream(new DuplexPipeStream(connection.Transport));
        // No keep-alive from the platform: the connection actor's timers run the heartbeat (docs/server.md says why).
        WebSocket socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        return new Accepted(admission, socket, stream, access);
    }

    /// <summary>
    /// Reads until the head is complete and parses it; null when it is not one this path takes, or does not arrive in
    /// time or within <see cref="MaxHeadBytes"/>. Consumes nothing either way, and leaves as examined only what an earlier
    /// read already saw, so the next reader (the HTTP layer, or <see cref="AnswerAsync"/>) gets every byte at once.
    /// </summary>
    private async Task<(UpgradeRequestHead Head, int Length)?> ReadHeadAsync(PipeReader input, CancellationToken closed)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(closed);
        deadline.CancelAfter(_headTimeout);
        long examined = 0;
        // Each pass needs new bytes (all earlier ones were examined) and the head is bounded, so the loop is too.
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // Too slow (the HTTP layer waits for the rest under its own request-headers timeout), or the connection
                // failed (the HTTP layer reads the same failure and closes it as it always has).
                return null;
            }
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool mayBeOurs = UpgradeRequestHead.CanStartWith(FirstBytes(buffer, UpgradeRequestHead.Prefix.Length));
            long headLength = mayBeOurs ? HeadLength(buffer) : -1;
            if (mayBeOurs && headLength < 0 && buffer.Length < MaxHeadBytes && !result.IsCompleted && !result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                examined = buffer.Length;
                continue;
            }
            UpgradeRequestHead? head = null;
            if (headLength is > 0 and <= MaxHeadBytes)
            {
                ReadOnlySequence<byte> bytes = buffer.Slice(0, headLength);
                head = UpgradeRequestHead.TryParse(bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray());
            }
            input.AdvanceTo(buffer.Start, buffer.GetPosition(examined));
            return head is null ? null : (head, (int)headLength);
        }
    }

    /// <summary>What the token grants, or null for a request without a usable one (the HTTP layer then answers 401).</summary>
    private async Task<ConnectionAccess?> AccessOfAsync(UpgradeRequestHead head, CancellationToken closed)
    {
        if (CollabAuthentication.TokenOf(head.Authorization, head.QueryToken) is not { } token) return null;
        try
        {
            if (await services.GetRequiredService<AccessTokenValidator>().ValidateAsync(token, closed) is not { } user) return null;
            return CollabAuthentication.AccessOf(user, _auth);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Writes the 101 and consumes the head, leaving any bytes the client sent after it for the WebSocket.</summary>
    private static async Task AnswerAsync(IDuplexPipe transport, string key, int headLength, CancellationToken closed)
    {
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
        transport.Output.Write(Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n"));
        await transport.Output.FlushAsync(closed);
        // Returns at once: the head is still in the pipe, and not all of it was marked examined.
        ReadResult result = await transport.Input.ReadAsync(closed);
        transport.Input.AdvanceTo(result.Buffer.GetPosition(headLength));
    }

    /// <summary>The length of the head up to and including its blank line, or -1 while it is incomplete.</summary>
    private static long HeadLength(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer.Length > MaxHeadBytes ? buffer.Slice(0, MaxHeadBytes) : buffer);
        return reader.TryReadTo(out ReadOnlySequence<byte> _, "\r\n\r\n"u8, advancePastDelimiter: true) ? reader.Consumed : -1;
    }

    private static ReadOnlySpan<byte> FirstBytes(ReadOnlySequence<byte> buffer, int count) =>
        buffer.FirstSpan.Length >= count || buffer.IsSingleSegment
            ? buffer.FirstSpan[..Math.Min(count, buffer.FirstSpan.Length)]
            : buffer.Slice(0, Math.Min(count, buffer.Length)).ToArray();
}
