using System.Diagnostics;
using CollabClient;
using CollabLoad.Editing;
using CollabLoad.Options;
using CollabLoad.Reporting;

namespace CollabLoad.Runs;

/// <summary>
/// After a failover run has settled (every editor acked and converged): each document's recovery time (from the kill
/// to the first ack of an op sent after it, <see cref="ShowsRecovery"/>) and each editor's longest stall, and whether every acknowledged op is on the server exactly once. An op is one version: an
/// ack names the version the op was applied at (the document's version before it), so the acks of a document's
/// editors must name each version from the first editor's start to the server's current version (exclusive) exactly
/// once (a version nobody was acked for is an op applied twice; an acked version the server does not have is a lost
/// op).
/// </summary>
public static class FailoverCheck
{
    /// <summary>
    /// Whether an ack shows that its document answers after the kill at <paramref name="killedAt"/>: only when its op
    /// was sent (or resent) after the kill. An ack the killed node sent just before it died can arrive a few
    /// milliseconds after the kill; counted, it made a dead document look back at once and its editors, whose next
    /// ops waited for the real recovery, look late by the whole failover.
    /// </summary>
    public static bool ShowsRecovery(LocalOpAcknowledged ack, long killedAt) => killedAt != 0 && ack.SentTimestamp > killedAt;

    public static async Task<FailoverResult> RunAsync(
        LoadOptions options, IReadOnlyList<SimulatedEditor> editors, int killedPid, long killedAt, CancellationToken ct)
    {
        await using CollabConnection verifier = await ConvergenceCheck.ConnectToAnyAsync(options, ct);
        var problems = new List<string>();
        var recoveries = new List<double>();
        long acked = 0, lost = 0, withoutAck = 0, duplicates = 0;
        double beyondMax = 0;
        int beyond3s = 0;
        var late = new List<string>();
        foreach (IGrouping<string, SimulatedEditor> doc in editors.Where(e => e.Document is not null).GroupBy(e => e.DocId))
        {
            long serverVersion = (await verifier.FetchSnapshotAsync(options.Collection, doc.Key, ct)).Version;
            long start = doc.Min(e => e.StartVersion);
            List<long> versions = doc.SelectMany(e => e.AckedVersions).ToList();
            acked += versions.Count;
            var distinct = new HashSet<long>(versions);
            duplicates += versions.Count - distinct.Count;
            long docLost = distinct.Count(v => v >= serverVersion);
            long docWithoutAck = 0;
            for (long v = start; v < serverVersion; v++) if (!distinct.Contains(v)) docWithoutAck++;
            lost += docLost;
            withoutAck += docWithoutAck;
            if (docLost > 0 || docWithoutAck > 0)
            {
                problems.Add($"{doc.Key}: server at {serverVersion} from {start}, {distinct.Count} versions acked; " +
                             $"{docLost} acked beyond the server, {docWithoutAck} committed without an ack");
            }

            long[] firstAcks = doc.Select(e => e.FirstAckAfterKillTimestamp).Where(t => t != 0).ToArray();
            if (firstAcks.Length == 0)
            {
                problems.Add($"{doc.Key}: no ack after the kill");
                continue;
            }
            long documentBack = firstAcks.Min();
            recoveries.Add(Stopwatch.GetElapsedTime(killedAt, documentBack).TotalSeconds);
            foreach (SimulatedEditor editor in doc.Where(e => e.FirstAckAfterKillTimestamp != 0))
            {
                double beyond = Stopwatch.GetElapsedTime(documentBack, editor.FirstAckAfterKillTimestamp).TotalSeconds;
                beyondMax = Math.Max(beyondMax, beyond);
                if (beyond <= 3) continue;
                beyond3s++;
                late.Add(Describe(editor, beyond, killedAt, documentBack));
            }
        }
        double[] stalls = editors.Select(e => e.LongestAckWaitTicks / (double)Stopwatch.Frequency).Order().ToArray();
        recoveries.Sort();
        return new FailoverResult(
            killedPid,
            options.KillBusiestAfter!.Value.TotalSeconds,
            recoveries.Count,
            Round(recoveries.LastOrDefault()),
            Round(recoveries.Count > 0 ? recoveries[recoveries.Count / 2] : 0),
            Round(stalls.LastOrDefault()),
            Round(stalls.Length > 0 ? stalls[stalls.Length / 2] : 0),
            Round(beyondMax),
            beyond3s,
            acked,
            lost,
            withoutAck,
            duplicates,
            problems.Take(20).ToList(),
            late.Take(20).ToList(),
            recoveries.Where(r => r > 1).Select(Round).ToList());
    }

    private static string Describe(SimulatedEditor editor, double beyond, long killedAt, long documentBack)
    {
        double Since(long timestamp) => Stopwatch.GetElapsedTime(killedAt, timestamp).TotalSeconds;
        string reconnected = editor.LastConnectedTimestamp > killedAt ? $"reconnected {Since(editor.LastConnectedTimestamp):F1} s after the kill" : "did not reconnect";
        return $"editor {editor.Index} of {editor.DocId}: first ack {beyond:F1} s after its document's ({Since(documentBack):F1} s after the kill); " +
               $"{reconnected}, {editor.Connection?.ReconnectCount ?? 0} reconnects in all, now on {editor.Connection?.Server}";
    }

    private static double Round(double seconds) => Math.Round(seconds, 3);
}
