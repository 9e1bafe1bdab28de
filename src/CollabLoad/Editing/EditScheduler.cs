using System.Collections.Concurrent;
using System.Diagnostics;
using CollabLoad.Metrics;
using CollabLoad.Options;

namespace CollabLoad.Editing;

/// <summary>
/// Drives every editor from one loop: a priority queue of next-keystroke times (open loop) or a queue of editors
/// whose last op was acknowledged (closed loop). One loop instead of a timer per editor keeps thousands of editors
/// cheap; how late it runs keystrokes is recorded as scheduler lag so a saturated generator shows in the results.
/// </summary>
public sealed class EditScheduler
{
    private static readonly long MaxCatchUp = Stopwatch.Frequency;     // an open-loop editor never replays over 1 s of missed keystrokes
    private readonly LoadMode _mode;
    private readonly LoadMetrics _metrics;
    private readonly PriorityQueue<SimulatedEditor, long> _due = new();
    private readonly ConcurrentQueue<SimulatedEditor> _ready = new();
    private volatile bool _stopped;

    public EditScheduler(LoadMode mode, LoadMetrics metrics)
    {
        _mode = mode;
        _metrics = metrics;
    }

    /// <summary>Starts an editor typing (after a small random offset in open loop, so editors do not type in lockstep).</summary>
    public void Add(SimulatedEditor editor)
    {
        if (_mode == LoadMode.Closed)
        {
            _ready.Enqueue(editor);
            return;
        }
        long due = Stopwatch.GetTimestamp() + (long)(editor.Rhythm.NextInterval().TotalSeconds * Stopwatch.Frequency);
        lock (_due) _due.Enqueue(editor, due);
    }

    /// <summary>Closed loop: the editor's op was acknowledged, so it types again.</summary>
    public void OnAcknowledged(SimulatedEditor editor)
    {
        if (_mode == LoadMode.Closed && !_stopped) _ready.Enqueue(editor);
    }

    public void Stop() => _stopped = true;

    public async Task RunAsync(CancellationToken ct)
    {
        var dueNow = new List<(SimulatedEditor Editor, long Due)>();
        while (!_stopped && !ct.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            if (_mode == LoadMode.Open)
            {
                dueNow.Clear();
                lock (_due)
                {
                    while (_due.TryPeek(out SimulatedEditor? editor, out long due) && due <= now)
                    {
                        _due.Dequeue();
                        dueNow.Add((editor, due));
                    }
                }
                foreach ((SimulatedEditor editor, long due) in dueNow)
                {
                    if (_metrics.Measuring) _metrics.SchedulerLag.RecordTicks(due, now);
                    editor.Type();
                    long next = Math.Max(due, now - MaxCatchUp) + (long)(editor.Rhythm.NextInterval().TotalSeconds * Stopwatch.Frequency);
                    lock (_due) _due.Enqueue(editor, next);
                }
            }
            else
            {
                // Bounded per pass so the loop keeps checking for stop even at very high ack rates.
                for (int i = 0; i < 100_000 && _ready.TryDequeue(out SimulatedEditor? editor); i++)
                {
                    // A keystroke that only moved the cursor gets no ack to wait for: type again on the next pass.
                    if (!editor.Type()) _ready.Enqueue(editor);
                }
            }
            await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
