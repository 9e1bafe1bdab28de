using System.Net.WebSockets;
using Akka.Event;
using CollabActors.Diagnostics;
using CollabActors.Protocol;

namespace CollabActors.Connections;

/// <summary>
/// The only writer to one socket (gorilla's writePump, with no actor in it): frames wait in a bounded
/// <see cref="OutboundQueue"/>, at most one write runs at a time and takes every frame queued meanwhile (corked into one
/// send), busy connections are paced, a client that stops reading is closed (1008), and a close goes out after the
/// frames queued before it. Its owner (the connection actor) calls it from one thread at a time, pipes the write task
/// each <see cref="WriterStep"/> carries and reports back with <see cref="WriteCompleted"/>; that keeps one write per
/// socket without a lock. Time is passed in (<see cref="Environment.TickCount64"/> ms) so tests control it.
/// </summary>
internal sealed class SocketWriter
{
    private readonly WebSocket _socket;
    private readonly HeartbeatStream _heartbeat;
    private readonly ConnectionSettings _settings;
    private readonly ILoggingAdapter _log;
    private readonly Func<string> _clientId;
    private readonly OutboundQueue _outbound;
    private bool _sending;
    private bool _writeDue;
    private bool _replyQueued;
    private long _lastWriteStartedMs = long.MinValue / 2;
    private long _frameSecond;
    private int _framesThisSecond;
    private int _framesLastSecond;
    private bool _closeSent;
    private (WebSocketCloseStatus Status, string Reason)? _pendingClose;

    /// <param name="clientId">The client's id for log lines (it may change at the handshake).</param>
    public SocketWriter(WebSocket socket, HeartbeatStream heartbeat, ConnectionSettings settings, ILoggingAdapter log, Func<string> clientId)
    {
        _socket = socket;
        _heartbeat = heartbeat;
        _settings = settings;
        _log = log;
        _clientId = clientId;
        _outbound = new OutboundQueue(settings.MaxQueuedFrames, settings.MaxQueuedBytes);
    }

    /// <summary>How replies are encoded: as the client's last frame was (JSON text or MessagePack binary).</summary>
    public WireEncoding Encoding { get; set; } = WireEncoding.Json;

    /// <summary>A close has started: nothing more is queued, and the owner stops once the handshake ends.</summary>
    public bool IsClosing { get; private set; }

    /// <summary>Frames waiting to be written.</summary>
    public int Queued => _outbound.Count;

    /// <summary>A reply to this client (an ack, a snapshot, an error): written without waiting for write pacing.</summary>
    public WriterStep Reply(ServerMessage message, long nowMs)
    {
        if (IsClosing) return WriterStep.None;
        _replyQueued = true;
        return Enqueue(OutboundFrame.Of(message, Encoding), null, nowMs);
    }

    /// <summary>
    /// A broadcast (an op, someone's presence), encoded once for every connection. With a coalescing key a newer frame
    /// replaces an unsent older one with the same key.
    /// </summary>
    public WriterStep Push(PreparedMessage message, string? coalescingKey, long nowMs)
    {
        if (IsClosing) return WriterStep.None;
        return Enqueue(OutboundFrame.Of(message, Encoding), coalescingKey, nowMs);
    }

    /// <summary>A heartbeat ping, written between frames by the <see cref="HeartbeatStream"/>.</summary>
    public WriterStep Ping(long nowMs) => IsClosing ? WriterStep.None : Enqueue(OutboundFrame.Ping, null, nowMs);

    /// <summary>
    /// Starts the closing handshake after what is already queued (a 1008 drops the queue first: the client is being cut
    /// off, not served). The owner aborts the socket if the handshake takes longer than
    /// <see cref="ConnectionSettings.CloseTimeout"/> (<see cref="WriterStep.CloseStarted"/>).
    /// </summary>
    public WriterStep Close(WebSocketCloseStatus status, string reason, long nowMs)
    {
        if (IsClosing) return WriterStep.None;
        IsClosing = true;
        if (status != WebSocketCloseStatus.NormalClosure) _log.Info("Closing connection {0}: {1} {2}", _clientId(), (int)status, reason);
        if (status == WebSocketCloseStatus.PolicyViolation) _outbound.Clear();
        _pendingClose = (status, reason.Length > 120 ? reason[..120] : reason);
        WriterStep next = _sending ? WriterStep.None : WriteNextBatch(nowMs);
        return next with { CloseStarted = true };
    }

    /// <summary>The write task of the last step finished: write what queued meanwhile, or end after the close frame.</summary>
    public WriterStep WriteCompleted(long nowMs)
    {
        _sending = false;
        if (_closeSent && _socket.State == WebSocketState.Closed) return WriterStep.None with { Finished = true };
        return WriteNextBatch(nowMs);
    }

    /// <summary>The pacing wait (<see cref="WriterStep.WriteAfter"/>) is over.</summary>
    public WriterStep WriteDue(long nowMs)
    {
        _writeDue = false;
        return _sending ? WriterStep.None : WriteNextBatch(nowMs);
    }

    private WriterStep Enqueue(OutboundFrame frame, string? coalescingKey, long nowMs)
    {
        CountFrame(nowMs);
        if (!_outbound.TryAdd(frame, coalescingKey))
        {
            _log.Warning("Connection {0} is not reading: {1} frames, {2} bytes queued; closing it", _clientId(), _outbound.Count, _outbound.Bytes);
            _outbound.Clear();
            CollabMetrics.SlowConsumerDropped();
            return Close(WebSocketCloseStatus.PolicyViolation, "Slow consumer: too many messages waiting to be sent.", nowMs);
        }
        return _sending ? WriterStep.None : WriteNextBatch(nowMs);
    }

    private WriterStep WriteNextBatch(long nowMs)
    {
        if (_pendingClose is { } close && _outbound.Count == 0)
        {
            _pendingClose = null;
            _sending = true;
            _closeSent = true;
            return new WriterStep(_socket.CloseOutputAsync(close.Status, close.Reason, CancellationToken.None));
        }
        // Pacing never lets the queue fill towards the slow-consumer bound: a connection that reads is not closed
        // for frames we held back. From half the bound on, the queue is written at once.
        bool filling = _outbound.Count * 2 >= _settings.MaxQueuedFrames || _outbound.Bytes * 2 >= _settings.MaxQueuedBytes;
        if (_outbound.Count == 0 || (_writeDue && !_replyQueued && !filling)) return WriterStep.None;
        // Write pacing: a connection that wrote less than MinWriteInterval ago waits out the rest of it, and whatever
        // arrives meanwhile goes in the same send. A quiet connection writes at once; a busy one (a big room delivers
        // every op to every editor) makes one send per interval instead of one per frame, which cuts the server's
        // per-frame cost (actor wakeups, socket writes) and the client's reads. Only broadcasts wait: a reply to the
        // client's own request (above all the ack its next op waits for) goes out with the next write at once.
        long wait = _lastWriteStartedMs + (long)_settings.MinWriteInterval.TotalMilliseconds - nowMs;
        if (wait > 0 && _pendingClose is null && !_replyQueued && !filling && IsBusy(nowMs))
        {
            _writeDue = true;
            return WriterStep.None with { WriteAfter = TimeSpan.FromMilliseconds(wait) };
        }
        _lastWriteStartedMs = nowMs;
        _replyQueued = false;
        _sending = true;
        // All queued frames go in one write task, back to back: one wakeup of the send path per batch.
        return new WriterStep(WriteBatchAsync(_socket, _heartbeat, _outbound.DrainAll()));
    }

    /// <summary>Frames queued per wall-clock second: this one and the one before (what <see cref="IsBusy"/> reads).</summary>
    private void CountFrame(long nowMs)
    {
        MoveFrameWindowTo(nowMs);
        _framesThisSecond++;
    }

    /// <summary>Starts a new second's count when the clock has moved on; the last second's is kept if it was the one before.</summary>
    private void MoveFrameWindowTo(long nowMs)
    {
        long second = nowMs / 1000;
        if (second == _frameSecond) return;
        _framesLastSecond = second == _frameSecond + 1 ? _framesThisSecond : 0;
        _framesThisSecond = 0;
        _frameSecond = second;
    }

    /// <summary>
    /// Pacing is for connections that get many frames a second (an editor in a big room); one in a small document
    /// gets a handful, and holding them would only add latency without saving sends.
    /// </summary>
    private bool IsBusy(long nowMs)
    {
        MoveFrameWindowTo(nowMs);
        return Math.Max(_framesThisSecond, _framesLastSecond) >= _settings.PacedAboveFramesPerSecond;
    }

    private static async Task WriteBatchAsync(WebSocket socket, HeartbeatStream heartbeat, OutboundFrame[] batch)
    {
        // Several frames go out corked: framed back to back into one buffer and written with one send.
        bool cork = batch.Length > 1;
        if (cork) await heartbeat.CorkAsync().ConfigureAwait(false);
        try
        {
            foreach (OutboundFrame frame in batch)
            {
                if (frame.IsPing)
                {
                    await heartbeat.WritePingAsync().ConfigureAwait(false);
                    continue;
                }
                await socket.SendAsync(frame.Bytes, frame.Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text,
                    endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            if (cork) await heartbeat.UncorkAsync().ConfigureAwait(false);
        }
    }
}
