using System.Diagnostics;
using System.Text.Json.Nodes;
using CollabText;
using CollabClient.Ot;
using CollabClient.Wire;

namespace CollabClient;

/// <summary>
/// One text-unicode document on a <see cref="CollabConnection"/>: subscribe or fetch it, create it, edit it with
/// local ops (applied at once, sent one at a time, composed while one is in flight), and see other clients' ops and
/// presence. Obtain it from <see cref="CollabConnection.GetDocument"/>. Thread-safe (state under the connection's lock).
/// </summary>
public sealed class CollabDocument
{
    private readonly CollabConnection _connection;
    private readonly ClientDocumentState _state = new();
    private readonly string _presenceId = Guid.NewGuid().ToString("N");
    private List<TaskCompletionSource>? _pendingWaiters;
    private List<TaskCompletionSource>? _inflightWaiters;
    private List<TaskCompletionSource>? _nothingPendingWaiters;
    private int _pendingEdits;
    private long _pendingFirstEdit;
    private int _inflightEdits;
    private long _inflightFirstEdit;
    private long _inflightSentAt;
    private bool _wantSubscribed;
    private bool _awaitingSnapshot;
    private bool _catchUpRequested;
    private JsonNode? _presenceValue;
    private bool _presenceToSend;
    private bool _presencePublished;
    private long _presenceVersion;

    internal CollabDocument(CollabConnection connection, string collection, string id)
    {
        _connection = connection;
        Collection = collection;
        Id = id;
    }

    public string Collection { get; }
    public string Id { get; }

    /// <summary>The server version the local text is based on.</summary>
    public long Version { get { lock (_connection.Sync) return _state.Version; } }

    /// <summary>The local text (ahead of the server by any unacknowledged ops); null if the document does not exist.</summary>
    public string? Text { get { lock (_connection.Sync) return _state.Text; } }

    public bool Exists { get { lock (_connection.Sync) return _state.Text is not null; } }

    public bool HasUnacknowledgedOps { get { lock (_connection.Sync) return _state.HasUnacknowledgedOps; } }

    /// <summary>Another client's op was applied locally. Runs under the connection's lock: keep it quick.</summary>
    public event Action<RemoteOpApplied>? RemoteOp;

    /// <summary>The server acknowledged one of our ops. Runs under the connection's lock: keep it quick.</summary>
    public event Action<LocalOpAcknowledged>? Acknowledged;

    /// <summary>One of our ops went out for the first time. Runs under the connection's lock.</summary>
    public event Action<LocalOpSent>? Sent;

    public event Action<PresenceReceived>? PresenceReceived;

    /// <summary>The server rejected an op (local ops were rolled back and the snapshot refetched), or ops went missing.</summary>
    public event Action<Exception>? Error;

    /// <summary>Subscribes: loads the snapshot (or catches up from the local version) and then receives every op.</summary>
    public Task SubscribeAsync(CancellationToken ct = default)
    {
        JsonObject message;
        lock (_connection.Sync)
        {
            _wantSubscribed = true;
            message = ClientMessages.Subscribe(Collection, Id, _state.IsLoaded ? _state.Version : null);
        }
        return _connection.SendRequestAsync(CollabConnection.RequestKey("s", Collection, Id), message, ct);
    }

    /// <summary>Loads the server's snapshot (when nothing local is unacknowledged).</summary>
    public Task FetchAsync(CancellationToken ct = default) =>
        _connection.SendRequestAsync(CollabConnection.RequestKey("f", Collection, Id), ClientMessages.Fetch(Collection, Id, null), ct);

    /// <summary>Creates the document with <paramref name="text"/>; completes when the server acknowledges it.</summary>
    public Task CreateAsync(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_connection.Sync)
        {
            if (!_state.IsLoaded) throw new InvalidOperationException("Fetch or subscribe before creating, to know whether the document exists.");
            _state.BeginCreate(_connection.NextSeq(), text);
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inflightWaiters = [waiter];
            _inflightEdits = 1;
            _inflightFirstEdit = Stopwatch.GetTimestamp();
            SendInflight(firstTime: true);
            return waiter.Task;
        }
    }

    /// <summary>Applies a local edit now and queues it for the server; throws and changes nothing if it does not fit.</summary>
    public void Submit(TextOp op) => SubmitCore(op, waiter: null);

    /// <summary>Like <see cref="Submit"/>, and completes when the server has acknowledged the edit.</summary>
    public Task SubmitAsync(TextOp op)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        SubmitCore(op, waiter);
        return waiter.Task;
    }

    /// <summary>
    /// Computes an edit from the current local text and submits it atomically (no remote op can land in between).
    /// <paramref name="makeEdit"/> runs under the connection's lock and returns null to make no edit. Returns the op.
    /// </summary>
    public TextOp? Edit(Func<string, TextOp?> makeEdit)
    {
        ArgumentNullException.ThrowIfNull(makeEdit);
        lock (_connection.Sync)
        {
            string text = _state.Text ?? throw new InvalidOperationException("The document does not exist: create it before editing.");
            TextOp? op = makeEdit(text);
            if (op is not null) SubmitCore(op, waiter: null);
            return op;
        }
    }

    /// <summary>Completes once every local op has been acknowledged.</summary>
    public Task WhenNothingPendingAsync(CancellationToken ct = default)
    {
        lock (_connection.Sync)
        {
            if (!_state.HasUnacknowledgedOps) return Task.CompletedTask;
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (_nothingPendingWaiters ??= []).Add(waiter);
            return ct.CanBeCanceled ? waiter.Task.WaitAsync(ct) : waiter.Task;
        }
    }

    /// <summary>
    /// Publishes our presence (for text, <see cref="PresenceCursor.Create"/>; null to leave). It is sent once no local
    /// op is unacknowledged (the server transforms it from that version), moved through any ops until then.
    /// </summary>
    public void PublishPresence(JsonNode? value)
    {
        lock (_connection.Sync)
        {
            _presenceValue = value?.DeepClone();
            _presenceToSend = true;
            FlushPresence();
        }
    }

    /// <summary>Receives other clients' presence on this document.</summary>
    public Task SubscribePresenceAsync(CancellationToken ct = default)
    {
        string channel = ClientMessages.PresenceChannel(Collection, Id);
        long seq;
        lock (_connection.Sync) seq = _connection.NextPresenceSeq();
        return _connection.SendRequestAsync(CollabConnection.RequestKey("ps", channel), ClientMessages.SubscribePresence(channel, seq), ct);
    }

    private void SubmitCore(TextOp op, TaskCompletionSource? waiter)
    {
        ArgumentNullException.ThrowIfNull(op);
        lock (_connection.Sync)
        {
            if (_awaitingSnapshot) throw new InvalidOperationException("The document is reloading after a rejected op; edit again once it has.");
            _state.ApplyLocal(op);
            if (_pendingEdits++ == 0) _pendingFirstEdit = Stopwatch.GetTimestamp();
            if (waiter is not null) (_pendingWaiters ??= []).Add(waiter);
            if (_presenceToSend) _presenceValue = PresenceCursor.Transform(_presenceValue, op);
            Flush();
        }
    }

    // ---- under the connection's lock ----

    private void Flush()
    {
        if (!_connection.IsConnected || _awaitingSnapshot) return;
        if (_state.StartNextSend(_connection.NextSeq()) is null) return;
        _inflightWaiters = _pendingWaiters;
        _inflightEdits = _pendingEdits;
        _inflightFirstEdit = _pendingFirstEdit;
        _pendingWaiters = null;
        _pendingEdits = 0;
        SendInflight(firstTime: true);
    }

    private void SendInflight(bool firstTime)
    {
        InflightOp inflight = _state.Inflight!;
        // The first send goes without src (the server uses this session's id); a resend names the original src
        // so the server recognises an op it already committed.
        JsonObject message = inflight.IsCreate
            ? ClientMessages.SubmitCreate(Collection, Id, _state.Version, inflight.Seq, inflight.Src, inflight.CreateText!)
            : ClientMessages.SubmitEdit(Collection, Id, _state.Version, inflight.Seq, inflight.Src, inflight.Op!);
        if (!_connection.IsConnected) return;
        _inflightSentAt = Stopwatch.GetTimestamp();
        _state.MarkInflightSent(_connection.Id!);
        // Reported before the frame goes out, so an observer can register the op before anyone can receive it.
        if (firstTime) Sent?.Invoke(new LocalOpSent(_state.Inflight!.Src!, inflight.Seq, _inflightEdits, _inflightFirstEdit, _inflightSentAt));
        _connection.TrySend(message);
    }

    internal void OnConnected(bool reconnected)
    {
        if (!reconnected) return;
        if (_wantSubscribed && _state.IsLoaded)
        {
            // Catch up from our version: the server sends the ops we missed (our own inflight op among them if it
            // was committed, which then counts as its ack) before its reply.
            _ = _connection.SendRequestAsync(CollabConnection.RequestKey("s", Collection, Id),
                ClientMessages.Subscribe(Collection, Id, _state.Version), CancellationToken.None)
                .ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }
        if (_state.Inflight is not null) SendInflight(firstTime: _state.Inflight.Src is null);
        else Flush();
        if (_presencePublished) _presenceToSend = true;
        FlushPresence();
    }

    internal void OnConnectionFailed(Exception cause)
    {
        FailWaiters(ref _inflightWaiters, cause);
        FailWaiters(ref _pendingWaiters, cause);
        FailWaiters(ref _nothingPendingWaiters, cause);
    }

    internal void HandleSnapshotReply(JsonObject reply)
    {
        if (ServerMessageFields.Error(reply) is not null) return;
        DocumentSnapshot? snapshot = SnapshotReader.Read(Collection, Id, reply);
        if (snapshot is null || _state.HasUnacknowledgedOps) return;
        if (_state.IsLoaded && snapshot.Version < _state.Version && !_awaitingSnapshot) return;
        _state.LoadSnapshot(snapshot.Version, snapshot.Text);
        _awaitingSnapshot = false;
        FlushPresence();
    }

    internal void HandleOp(IncomingOp message)
    {
        long seq = message.Seq;
        string? src = message.Src;
        if (message.Error is { } error)
        {
            if (_state.Inflight is not null && _state.Inflight.Seq == seq) Rollback(error);
            else RaiseError(error);
            return;
        }
        long version = message.Version ?? throw new CollabProtocolException("Server message op lacks 'v'.");
        if (_state.IsInflight(src, seq))
        {
            // The server sends every op before the ack of ours, so an ack from further on means ops are missing here:
            // taking it would move our version past them and lose them for good (our next op would be placed in a
            // text the server does not have). Catch up instead, as ShareDB's client refetches; our op comes back
            // among the missing ones and is acknowledged in its place.
            if (!_state.Inflight!.IsCreate && _state.IsLoaded && version > _state.Version)
            {
                RequestCatchUp(version);
                return;
            }
            Acknowledge(version);
            return;
        }
        // An ack that matches nothing in flight is the server's answer to a resend it had already committed.
        if (message.Change == IncomingOpChange.None) return;
        if (_awaitingSnapshot) return;
        try
        {
            // A body that could not be read fails here, where it is used: an unreadable op rolls back as a rejected
            // one does; a create of another type is a protocol error.
            if (message.BodyError is { } unreadable) throw unreadable;
            RemoteOpOutcome outcome;
            TextOp applied = TextOp.Empty;
            if (message.Change == IncomingOpChange.Edit)
            {
                outcome = _state.ApplyRemote(version, message.Op!, out applied);
            }
            else if (message.Change == IncomingOpChange.Create)
            {
                outcome = _state.ApplyRemoteCreate(version, message.CreateText!);
            }
            else
            {
                Rollback(new InvalidOperationException($"Document {Collection}/{Id} was deleted by another client."));
                return;
            }
            if (outcome == RemoteOpOutcome.Gap) RequestCatchUp(version);
            if (outcome != RemoteOpOutcome.Applied) return;
            _catchUpRequested = false;
            if (_presenceToSend) _presenceValue = PresenceCursor.Transform(_presenceValue, applied);
            RemoteOp?.Invoke(new RemoteOpApplied(src, seq, version, applied));
        }
        catch (Exception e) when (e is TextOpException or InvalidOperationException)
        {
            Rollback(e);
        }
    }

    internal void HandlePresence(IncomingPresence message)
    {
        // The value is parsed only for someone who will see it.
        if (PresenceReceived is not { } handlers) return;
        string src = message.Src!;
        handlers(new PresenceReceived(src, message.PresenceId ?? src, message.ParseValue()));
    }

    private void Acknowledge(long version)
    {
        InflightOp acked = _state.Acknowledge(version);
        Acknowledged?.Invoke(new LocalOpAcknowledged(acked.Src ?? _connection.Id!, acked.Seq, version, _inflightEdits, _inflightFirstEdit, _inflightSentAt));
        CompleteWaiters(ref _inflightWaiters);
        Flush();
        FlushPresence();
        if (!_state.HasUnacknowledgedOps) CompleteWaiters(ref _nothingPendingWaiters);
    }

    /// <summary>ShareDB's hard rollback: drop local ops, fail their callers, reload the snapshot.</summary>
    private void Rollback(Exception cause)
    {
        _state.DiscardUnacknowledged();
        FailWaiters(ref _inflightWaiters, cause);
        FailWaiters(ref _pendingWaiters, cause);
        _pendingEdits = 0;
        _awaitingSnapshot = true;
        RaiseError(cause);
        _ = _connection.SendRequestAsync(CollabConnection.RequestKey("f", Collection, Id), ClientMessages.Fetch(Collection, Id, null), CancellationToken.None)
            .ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        CompleteWaiters(ref _nothingPendingWaiters);
    }

    /// <summary>Ops went missing (a gap in versions): fetch them from our version; the server sends them before its reply.</summary>
    private void RequestCatchUp(long receivedVersion)
    {
        if (_catchUpRequested) return;
        _catchUpRequested = true;
        RaiseError(new InvalidOperationException($"Document {Collection}/{Id}: received version {receivedVersion} while at {_state.Version}; catching up."));
        _ = _connection.SendRequestAsync(CollabConnection.RequestKey("f", Collection, Id), ClientMessages.Fetch(Collection, Id, _state.Version), CancellationToken.None)
            .ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    private void FlushPresence()
    {
        if (!_presenceToSend || !_connection.IsConnected || _state.Text is null || _state.HasUnacknowledgedOps || _awaitingSnapshot) return;
        if (_connection.TrySend(ClientMessages.PublishPresence(Collection, Id, _presenceId, _presenceValue, _presenceVersion++, _state.Version)))
        {
            _presenceToSend = false;
            _presencePublished = _presenceValue is not null;
        }
    }

    private void RaiseError(Exception error)
    {
        Error?.Invoke(error);
        _connection.RaiseError(error);
    }

    private static void CompleteWaiters(ref List<TaskCompletionSource>? waiters)
    {
        List<TaskCompletionSource>? list = waiters;
        waiters = null;
        if (list is null) return;
        foreach (TaskCompletionSource w in list) w.TrySetResult();
    }

    private static void FailWaiters(ref List<TaskCompletionSource>? waiters, Exception cause)
    {
        List<TaskCompletionSource>? list = waiters;
        waiters = null;
        if (list is null) return;
        foreach (TaskCompletionSource w in list) w.TrySetException(cause);
    }
}
