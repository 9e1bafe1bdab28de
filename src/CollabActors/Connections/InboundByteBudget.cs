namespace CollabActors.Connections;

/// <summary>
/// The node's budget of bytes held by frames still being read (issue 19 item 6). A frame may be as large as a document
/// can be, so sockets × frame limit is no bound: a socket trickling a near-limit frame would hold it all. A frame's
/// buffer grows only with bytes reserved here; when the budget is spent its socket stops reading until bytes come back,
/// so an attacker slows large frames down but cannot take the memory.
/// <para>
/// Deadlock-free: growth that would dip into the last <c>maxFrameBytes</c> of the budget is allowed to one frame at a
/// time (the reserve's holder), which can therefore always finish and give everything back; the others wait.
/// </para>
/// </summary>
public sealed class InboundByteBudget
{
    private readonly object _gate = new();
    private readonly long _totalBytes;
    private readonly long _reserveBytes;
    private readonly LinkedList<Waiter> _waiters = new();
    private long _usedBytes;
    private FrameReservation? _reserveHolder;

    public InboundByteBudget(long totalBytes, int maxFrameBytes)
    {
        if (totalBytes < maxFrameBytes)
            throw new ArgumentOutOfRangeException(nameof(totalBytes), $"The inbound budget ({totalBytes} bytes) must hold at least one frame ({maxFrameBytes} bytes).");
        _totalBytes = totalBytes;
        _reserveBytes = maxFrameBytes;
    }

    /// <summary>A budget that never runs out (tests of other things, and clients).</summary>
    public static InboundByteBudget Unlimited { get; } = new(long.MaxValue / 2, int.MaxValue);

    /// <summary>Bytes reserved by frames being read now.</summary>
    public long UsedBytes
    {
        get { lock (_gate) return _usedBytes; }
    }

    /// <summary>Frames waiting for bytes.</summary>
    public int Waiting
    {
        get { lock (_gate) return _waiters.Count; }
    }

    /// <summary>A reservation for one frame; disposing it gives back all it holds.</summary>
    public FrameReservation StartFrame() => new(this);

    private ValueTask GrowAsync(FrameReservation frame, long bytes, CancellationToken ct)
    {
        Waiter waiter;
        lock (_gate)
        {
            // The reserve's holder never queues behind others: they may be waiting for what it gives back.
            if ((_waiters.Count == 0 || frame == _reserveHolder) && TryGrant(frame, bytes)) return ValueTask.CompletedTask;
            waiter = new Waiter(frame, bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }
        if (ct.CanBeCanceled)
            waiter.Cancellation = ct.Register(() =>
            {
                lock (_gate)
                {
                    if (waiter.Node?.List is null) return;
                    _waiters.Remove(waiter.Node);
                }
                waiter.Done.TrySetCanceled(ct);
            });
        return new ValueTask(waiter.Done.Task);
    }

    private bool TryGrant(FrameReservation frame, long bytes)
    {
        bool outsideReserve = _usedBytes + bytes <= _totalBytes - _reserveBytes;
        bool inReserve = _usedBytes + bytes <= _totalBytes && (_reserveHolder is null || _reserveHolder == frame);
        if (!outsideReserve && !inReserve) return false;
        if (!outsideReserve) _reserveHolder = frame;
        _usedBytes += bytes;
        frame.HeldBytes += bytes;
        return true;
    }

    private void Finish(FrameReservation frame)
    {
        List<Waiter> granted = [];
        lock (_gate)
        {
            _usedBytes -= frame.HeldBytes;
            frame.HeldBytes = 0;
            if (_reserveHolder == frame) _reserveHolder = null;
            // First come, first served: a later small request does not overtake a waiting large one forever.
            while (_waiters.First is { } first && TryGrant(first.Value.Frame, first.Value.Bytes))
            {
                _waiters.RemoveFirst();
                first.Value.Node = null;
                granted.Add(first.Value);
            }
        }
        foreach (Waiter waiter in granted)
        {
            waiter.Cancellation.Dispose();
            waiter.Done.TrySetResult();
        }
    }

    private sealed class Waiter(FrameReservation frame, long bytes)
    {
        public FrameReservation Frame { get; } = frame;
        public long Bytes { get; } = bytes;
        public LinkedListNode<Waiter>? Node { get; set; }
        public CancellationTokenRegistration Cancellation { get; set; }
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The bytes one frame holds of the budget, grown as its buffer grows.</summary>
    public sealed class FrameReservation : IDisposable
    {
        private readonly InboundByteBudget _budget;

        internal FrameReservation(InboundByteBudget budget) => _budget = budget;

        internal long HeldBytes { get; set; }

        /// <summary>Completes when <paramref name="bytes"/> more are reserved for this frame; until then its socket is not read.</summary>
        public ValueTask GrowAsync(long bytes, CancellationToken ct) => _budget.GrowAsync(this, bytes, ct);

        public void Dispose() => _budget.Finish(this);
    }
}
