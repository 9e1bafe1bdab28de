using System.Diagnostics;
using CollabText;
using CollabClient;
using CollabLoad.Metrics;
using CollabLoad.Options;
using CollabLoad.Runs;

namespace CollabLoad.Editing;

/// <summary>One simulated person: a connection, one document, a cursor and a typing rhythm, reporting to <see cref="LoadMetrics"/>.</summary>
public sealed class SimulatedEditor : IAsyncDisposable
{
    private readonly LoadOptions _options;
    private readonly LoadMetrics _metrics;
    private readonly KeystrokeGenerator _keys;
    private readonly Action<SimulatedEditor> _onAcked;
    private CollabConnection? _connection;
    private CollabDocument? _doc;
    private readonly List<long> _ackedVersions = [];
    private long _longestAckWaitTicks;
    private long _firstAckAfterKillTimestamp;
    private long _lastConnectedTimestamp;

    public SimulatedEditor(int index, string docId, LoadOptions options, LoadMetrics metrics, Action<SimulatedEditor> onAcked)
    {
        Index = index;
        DocId = docId;
        _options = options;
        _metrics = metrics;
        _onAcked = onAcked;
        var random = new Random(HashCode.Combine(options.Seed, index));
        _keys = new KeystrokeGenerator(random, options.MaxDocLength);
        Rhythm = new TypingRhythm(random, options.Rate);
    }

    public int Index { get; }
    public string DocId { get; }
    public TypingRhythm Rhythm { get; }
    public CollabDocument? Document => _doc;
    public CollabConnection? Connection => _connection;

    /// <summary>The document's version when this editor had subscribed.</summary>
    public long StartVersion { get; private set; }

    /// <summary>The versions this editor's ops were applied at (ShareDB's op v: the document's version before it), as its acks said.</summary>
    public IReadOnlyList<long> AckedVersions { get { lock (_ackedVersions) return _ackedVersions.ToArray(); } }

    /// <summary>The longest from a keystroke to its op's ack (this editor's longest stall), in Stopwatch ticks.</summary>
    public long LongestAckWaitTicks => Interlocked.Read(ref _longestAckWaitTicks);

    /// <summary>
    /// When this editor's first ack for an op sent after a node was killed came (Stopwatch timestamp), or 0
    /// (<see cref="FailoverCheck.ShowsRecovery"/>).
    /// </summary>
    public long FirstAckAfterKillTimestamp => Interlocked.Read(ref _firstAckAfterKillTimestamp);

    /// <summary>When this editor's connection last became connected (Stopwatch timestamp): a reconnect's time.</summary>
    public long LastConnectedTimestamp => Interlocked.Read(ref _lastConnectedTimestamp);

    public async Task ConnectAsync(CancellationToken ct)
    {
        // A person joining a busy room waits for it; the default 10 s is for interactive clients. In a big room the
        // loader itself (thousands of sockets on the same machine) is what slows a handshake down.
        (Uri server, IReadOnlyList<Uri> others) = _options.ServerFor(Index);
        var clientOptions = new CollabClientOptions
        {
            Encoding = _options.Encoding,
            LocalAddress = _options.SourceAddressFor(Index),
            ConnectTimeout = TimeSpan.FromSeconds(60),
            OtherServers = others,
        };
        _connection = await CollabConnection.ConnectAsync(server, clientOptions, ct).ConfigureAwait(false);
        _connection.StateChanged += state =>
        {
            if (state == ConnectionState.Reconnecting) Interlocked.Increment(ref _metrics.Reconnects);
            if (state == ConnectionState.Connected) Interlocked.Exchange(ref _lastConnectedTimestamp, Stopwatch.GetTimestamp());
            if (state == ConnectionState.Failed) _metrics.RecordError($"editor connection failed: {_connection.Failure?.Message}");
        };
        CollabDocument doc = _connection.GetDocument(_options.Collection, DocId);
        doc.Sent += OnSent;
        doc.Acknowledged += OnAcknowledged;
        doc.RemoteOp += OnRemoteOp;
        doc.Error += e => _metrics.RecordError(e.Message);
        doc.PresenceReceived += _ => Interlocked.Increment(ref _metrics.PresenceReceived);
        await doc.SubscribeAsync(ct).ConfigureAwait(false);
        StartVersion = doc.Version;
        if (_options.Presence) await doc.SubscribePresenceAsync(ct).ConfigureAwait(false);
        _doc = doc;
        doc.Edit(text =>
        {
            _keys.Cursor = TextUnicodeType.CodePointLength(text);
            return null;
        });
    }

    /// <summary>Makes one keystroke now (called by the scheduler); true if it produced an op (false: cursor move only).</summary>
    public bool Type()
    {
        CollabDocument doc = _doc ?? throw new InvalidOperationException("Not connected.");
        if (_connection!.State == ConnectionState.Failed) return false;
        bool publish = false;
        TextOp? edit;
        try
        {
            edit = doc.Edit(text =>
            {
                TextOp? op = _keys.NextEdit(text);
                publish = _options.Presence && (_keys.MovedCursor || Rhythm.BurstEnded);
                return op;
            });
        }
        catch (InvalidOperationException e)
        {
            // The document is reloading after a rejected op: the keystroke is lost, as it would be for a person.
            _metrics.RecordError("edit refused: " + e.Message);
            return false;
        }
        Interlocked.Increment(ref _metrics.Edits);
        if (_metrics.Measuring) Interlocked.Increment(ref _metrics.MeasuredEdits);
        _metrics.Timeline.Edit();
        if (publish)
        {
            doc.PublishPresence(PresenceCursor.Create(_keys.Cursor));
            Interlocked.Increment(ref _metrics.PresenceSent);
        }
        return edit is not null;
    }

    private void OnSent(LocalOpSent sent)
    {
        _metrics.Deliveries.Register(sent.Src, sent.Seq, sent.FirstEditTimestamp, _options.EditorsPerDoc - 1);
        Interlocked.Increment(ref _metrics.Sent);
        _metrics.Timeline.Sent();
    }

    private void OnAcknowledged(LocalOpAcknowledged ack)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _metrics.Acked);
        lock (_ackedVersions) _ackedVersions.Add(ack.Version);
        // From the first keystroke in the op, not from its (re)send: what the person waited.
        long wait = now - ack.FirstEditTimestamp;
        if (wait > _longestAckWaitTicks) Interlocked.Exchange(ref _longestAckWaitTicks, wait);
        if (FailoverCheck.ShowsRecovery(ack, Interlocked.Read(ref _metrics.KilledAtTimestamp)) && _firstAckAfterKillTimestamp == 0)
            Interlocked.Exchange(ref _firstAckAfterKillTimestamp, now);
        _metrics.Timeline.Acked();
        if (_metrics.Measuring)
        {
            _metrics.AckLatency.RecordTicks(ack.SentTimestamp, now);
            Interlocked.Increment(ref _metrics.MeasuredAcked);
        }
        _onAcked(this);
    }

    private void OnRemoteOp(RemoteOpApplied op)
    {
        // Under the connection's lock, like Type's edit: the cursor and the text move together.
        _keys.Cursor = TextUnicodeType.TransformPosition(_keys.Cursor, op.Applied);
        if (_metrics.Deliveries.Seen(op.Src, op.Seq) is long firstEdit)
        {
            Interlocked.Increment(ref _metrics.Delivered);
            _metrics.Timeline.Delivered();
            if (_metrics.Measuring) _metrics.DeliveryLatency.RecordTicks(firstEdit, Stopwatch.GetTimestamp());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
