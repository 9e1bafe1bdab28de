using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using CollabClient.Wire;

namespace CollabClient;

/// <summary>
/// A connection to a ShareDB-protocol server (CollabHost or a stock ShareDB): handshake, documents, requests, and
/// reconnection. After a lost connection it reconnects with backoff, hands the server its previous id (so resent
/// ops dedupe), resubscribes its documents from their versions and resends each document's inflight op with the
/// same src and seq. Thread-safe: all document state is guarded by one lock; event handlers run under it and must
/// be quick and must not block.
/// </summary>
public sealed class CollabConnection : IAsyncDisposable
{
    private const string JsonZeroTypeUri = "http://sharejs.org/types/JSONv0";

    private readonly Uri[] _servers;
    private int _server;
    private readonly CollabClientOptions _options;
    private readonly Dictionary<(string Collection, string Id), CollabDocument> _documents = new();
    private readonly Dictionary<string, Queue<PendingRequest>> _requests = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private WireSession? _session;
    private Task _runLoop = Task.CompletedTask;
    private long _nextSeq = 1;
    private long _nextPresenceSeq = 1;

    private CollabConnection(Uri uri, CollabClientOptions options)
    {
        _servers = [uri, .. options.OtherServers];
        _options = options;
    }

    /// <summary>Guards every document's state; documents lock it too.</summary>
    internal object Sync { get; } = new();

    /// <summary>The id the server gave this client; it is the src of our ops and survives reconnects.</summary>
    public string? Id { get; private set; }

    public ConnectionState State { get; private set; } = ConnectionState.Connecting;

    /// <summary>Successful reconnects so far.</summary>
    public int ReconnectCount { get; private set; }

    /// <summary>Why the connection failed, once <see cref="State"/> is <see cref="ConnectionState.Failed"/>.</summary>
    public Exception? Failure { get; private set; }

    public FrameEncoding Encoding => _options.Encoding;

    /// <summary>The server this connection talks to now (or last talked to).</summary>
    public Uri Server
    {
        get { lock (Sync) return _servers[_server]; }
    }

    /// <summary>A problem that did not end the connection by itself: a lost socket, an error reply with no request.</summary>
    public event Action<Exception>? Error;

    public event Action<ConnectionState>? StateChanged;

    /// <summary>Opens the socket and completes the handshake (no retry: a first failure is thrown).</summary>
    public static async Task<CollabConnection> ConnectAsync(Uri uri, CollabClientOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.Scheme is not ("ws" or "wss"))
            throw new ArgumentException($"The server address must be a ws:// or wss:// URL, got '{uri}'.", nameof(uri));
        var connection = new CollabConnection(uri, options ?? new CollabClientOptions());
        WireSession session = await connection.OpenSessionAsync(ct).ConfigureAwait(false);
        connection.Activate(session, reconnected: false);
        connection._runLoop = Task.Run(() => connection.RunAsync(session));
        return connection;
    }

    /// <summary>The document object for this collection and id (one per connection; not yet fetched or subscribed).</summary>
    public CollabDocument GetDocument(string collection, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(id);
        lock (Sync)
        {
            if (!_documents.TryGetValue((collection, id), out CollabDocument? doc))
            {
                doc = new CollabDocument(this, collection, id);
                _documents.Add((collection, id), doc);
            }
            return doc;
        }
    }

    /// <summary>Reads the server's current snapshot of a document without subscribing to it.</summary>
    public async Task<DocumentSnapshot> FetchSnapshotAsync(string collection, string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(id);
        JsonObject reply = await SendRequestAsync(RequestKey("f", collection, id), ClientMessages.Fetch(collection, id, null), ct).ConfigureAwait(false);
        return SnapshotReader.Read(collection, id, reply)
            ?? throw new CollabProtocolException($"The fetch reply for {collection}/{id} has no snapshot.");
    }

    /// <summary>Drops the socket as a network failure would (the connection then reconnects). For tests and chaos runs.</summary>
    public void DropTransport()
    {
        lock (Sync) _session?.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        WireSession? session;
        lock (Sync)
        {
            if (State == ConnectionState.Closed) return;
            _closing.Cancel();
            session = _session;
            _session = null;
        }
        if (session is not null) await session.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        try
        {
            await _runLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The loop ends on its own once the socket is gone; do not hold the caller.
        }
        lock (Sync)
        {
            SetState(ConnectionState.Closed);
            FailAllRequests(new ObjectDisposedException(nameof(CollabConnection)));
        }
    }

    // ---- used by CollabDocument (under Sync) ----

    internal bool IsConnected => _session is not null;

    internal long NextSeq() => _nextSeq++;

    internal long NextPresenceSeq() => _nextPresenceSeq++;

    /// <summary>Sends now if connected; otherwise the message is dropped and the caller's resync covers it.</summary>
    internal bool TrySend(JsonObject message) => _session?.Send(message) ?? false;

    internal static string RequestKey(string action, string collection, string id) => action + "\0" + collection + "\0" + id;

    internal static string RequestKey(string action, string channel) => action + "\0" + channel;

    /// <summary>Sends a request whose reply echoes its key; it is resent after a reconnect until answered.</summary>
    internal Task<JsonObject> SendRequestAsync(string key, JsonObject message, CancellationToken ct)
    {
        var request = new PendingRequest(message, new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (Sync)
        {
            if (State is ConnectionState.Closed or ConnectionState.Failed)
                throw new InvalidOperationException($"The connection is {State}.", Failure);
            if (!_requests.TryGetValue(key, out Queue<PendingRequest>? queue)) _requests[key] = queue = new Queue<PendingRequest>();
            queue.Enqueue(request);
            TrySend(message);
        }
        return ct.CanBeCanceled ? request.Completion.Task.WaitAsync(ct) : request.Completion.Task;
    }

    internal void RaiseError(Exception error) => Error?.Invoke(error);

    // ---- session life ----

    private async Task<WireSession> OpenSessionAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        Uri server;
        lock (Sync) server = _servers[_server];
        ClientWebSocket socket = await WebSocketDialer.ConnectAsync(server, _options, timeout.Token).ConfigureAwait(false);
        var session = new WireSession(socket, _options.Encoding, _options.MaxFrameBytes);
        try
        {
            string? previousId;
            lock (Sync) previousId = Id;
            session.Send(ClientMessages.Handshake(previousId));
            // The server sends init on open and then answers our hs; anything else before that is ignored.
            for (int frames = 0; frames < 16; frames++)
            {
                IncomingMessage incoming = await session.ReceiveAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new WebSocketException("The server closed the socket during the handshake.");
                if (incoming is not IncomingJson { Message: var message }) continue;
                string action = ServerMessageFields.Action(message);
                if (action is not ("init" or "hs")) continue;
                if (ServerMessageFields.Error(message) is { } error) throw new CollabProtocolException("The server refused the handshake: " + error.Message);
                ValidateHandshake(message);
                if (action == "hs")
                {
                    string id = ServerMessageFields.String(message, "id")!;
                    lock (Sync) Id = id;
                    return session;
                }
            }
            throw new CollabProtocolException("The server did not answer the handshake.");
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void ValidateHandshake(JsonObject message)
    {
        long? protocol = ServerMessageFields.Long(message, "protocol");
        if (protocol != ClientMessages.ProtocolMajor)
            throw new CollabProtocolException($"The server speaks protocol {protocol?.ToString() ?? "(none)"}, this client speaks {ClientMessages.ProtocolMajor}.");
        if (ServerMessageFields.String(message, "id") is null)
            throw new CollabProtocolException("The server's handshake has no string id.");
        string? type = ServerMessageFields.String(message, "type");
        if (type is not null && type != JsonZeroTypeUri)
            throw new CollabProtocolException($"The server's default type is {type}; ShareDB clients expect {JsonZeroTypeUri}.");
    }

    private void Activate(WireSession session, bool reconnected)
    {
        lock (Sync)
        {
            if (_closing.IsCancellationRequested)
            {
                session.Dispose();
                return;
            }
            _session = session;
            if (reconnected) ReconnectCount++;
            SetState(ConnectionState.Connected);
            // Requests first (they were possibly lost with the old socket), then each document resubscribes and
            // resends its inflight op, in that order, as the ShareDB client does.
            foreach (Queue<PendingRequest> queue in _requests.Values)
                foreach (PendingRequest request in queue) TrySend(request.Message);
            foreach (CollabDocument doc in _documents.Values) doc.OnConnected(reconnected);
        }
    }

    private async Task RunAsync(WireSession session)
    {
        while (true)
        {
            Exception? cause = null;
            try
            {
                while (await session.ReceiveAsync(_closing.Token).ConfigureAwait(false) is { } message)
                {
                    lock (Sync) Dispatch(message);
                }
            }
            catch (Exception e)
            {
                cause = e;
            }
            lock (Sync)
            {
                if (_session == session) _session = null;
            }
            session.Dispose();
            if (_closing.IsCancellationRequested) return;
            if (cause is CollabProtocolException || !_options.Reconnect)
            {
                Fail(cause ?? new WebSocketException("The server closed the connection."));
                return;
            }
            RaiseError(cause ?? new WebSocketException("The server closed the connection."));
            lock (Sync) SetState(ConnectionState.Reconnecting);
            WireSession? next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null) return;
            session = next;
            Activate(session, reconnected: true);
        }
    }

    private async Task<WireSession?> ReconnectAsync()
    {
        TimeSpan delay = _options.ReconnectFirstDelay;
        Exception? last = null;
        for (int attempt = 1; attempt <= _options.MaxReconnectAttempts; attempt++)
        {
            // Full jitter keeps thousands of load-test clients from reconnecting in lockstep.
            TimeSpan wait = TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (0.5 + Random.Shared.NextDouble() / 2));
            try
            {
                await Task.Delay(wait, _closing.Token).ConfigureAwait(false);
                // With other servers (nodes of a cluster), each attempt goes to the next one: the server just lost is
                // likely leaving or gone, and any node serves every document.
                lock (Sync) _server = (_server + 1) % _servers.Length;
                return await OpenSessionAsync(_closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                return null;
            }
            catch (CollabProtocolException e)
            {
                Fail(e);
                return null;
            }
            catch (Exception e)
            {
                last = e;
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, _options.ReconnectMaxDelay.TotalMilliseconds));
        }
        Fail(new WebSocketException($"Gave up after {_options.MaxReconnectAttempts} reconnect attempts: {last?.Message}", last));
        return null;
    }

    private void Fail(Exception cause)
    {
        lock (Sync)
        {
            Failure = cause;
            SetState(ConnectionState.Failed);
            FailAllRequests(cause);
            foreach (CollabDocument doc in _documents.Values) doc.OnConnectionFailed(cause);
        }
        RaiseError(cause);
    }

    private void SetState(ConnectionState state)
    {
        if (State == state) return;
        State = state;
        StateChanged?.Invoke(state);
    }

    private void FailAllRequests(Exception cause)
    {
        foreach (Queue<PendingRequest> queue in _requests.Values)
            while (queue.TryDequeue(out PendingRequest? request)) request.Completion.TrySetException(cause);
        _requests.Clear();
    }

    // ---- incoming messages (under Sync) ----

    private void Dispatch(IncomingMessage incoming)
    {
        switch (incoming)
        {
            case IncomingOp op:
                DocumentFor(op.Collection, op.DocumentId)?.HandleOp(op);
                break;
            case IncomingPresence presence:
                HandlePresence(presence);
                break;
            case IncomingJson json:
                Dispatch(json.Message);
                break;
        }
    }

    private void Dispatch(JsonObject message)
    {
        string action = ServerMessageFields.Action(message);
        switch (action)
        {
            case "op":
                DocumentFor(message)?.HandleOp(IncomingOp.From(message));
                break;
            case "f":
            case "s":
                DocumentFor(message)?.HandleSnapshotReply(message);
                CompleteRequest(RequestKey(action, Field(message, "c"), Field(message, "d")), message);
                break;
            case "u":
                CompleteRequest(RequestKey(action, Field(message, "c"), Field(message, "d")), message);
                break;
            case "p":
                HandlePresence(message);
                break;
            case "ps":
            case "pu":
                CompleteRequest(RequestKey(action, Field(message, "ch")), message);
                break;
            case "init":
            case "hs":
            case "pp":
            case "pr":
                break;
            default:
                // Newer servers may send actions this client does not use (queries, bulk replies): not an error.
                break;
        }
    }

    private static string Field(JsonObject message, string name) => ServerMessageFields.String(message, name) ?? "";

    private CollabDocument? DocumentFor(JsonObject message) =>
        DocumentFor(ServerMessageFields.String(message, "c"), ServerMessageFields.String(message, "d"));

    private CollabDocument? DocumentFor(string? c, string? d) =>
        c is not null && d is not null && _documents.TryGetValue((c, d), out CollabDocument? doc) ? doc : null;

    private void HandlePresence(JsonObject message)
    {
        if (ServerMessageFields.Error(message) is { } error)
        {
            RaiseError(error);
            return;
        }
        if (ServerMessageFields.String(message, "src") is null) return;
        DocumentFor(message)?.HandlePresence(IncomingPresence.From(message));
    }

    private void HandlePresence(IncomingPresence presence)
    {
        if (presence.Error is { } error)
        {
            RaiseError(error);
            return;
        }
        // A message with src is someone's presence; without, it is the server's reply to our own publish.
        if (presence.Src is null) return;
        DocumentFor(presence.Collection, presence.DocumentId)?.HandlePresence(presence);
    }

    private void CompleteRequest(string key, JsonObject reply)
    {
        if (!_requests.TryGetValue(key, out Queue<PendingRequest>? queue) || !queue.TryDequeue(out PendingRequest? request))
        {
            if (ServerMessageFields.Error(reply) is { } unexpected) RaiseError(unexpected);
            return;
        }
        if (queue.Count == 0) _requests.Remove(key);
        if (ServerMessageFields.Error(reply) is { } error) request.Completion.TrySetException(error);
        else request.Completion.TrySetResult(reply);
    }

    private sealed record PendingRequest(JsonObject Message, TaskCompletionSource<JsonObject> Completion);
}
