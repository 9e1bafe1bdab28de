using CollabClient;
using CollabLoad.Editing;
using CollabLoad.Options;
using CollabLoad.Reporting;

namespace CollabLoad.Runs;

/// <summary>
/// After typing stops: waits until every editor's ops are acknowledged and it has caught up, then compares every
/// editor's text with a fresh fetch on a new connection. Bounded by the settle timeout.
/// </summary>
public static class ConvergenceCheck
{
    public static async Task<ConvergenceResult> RunAsync(LoadOptions options, IReadOnlyList<SimulatedEditor> editors, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow + options.SettleTimeout;
        List<SimulatedEditor> live = editors.Where(e => e.Document is not null).ToList();
        foreach (SimulatedEditor editor in live)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) break;
            try
            {
                await editor.Document!.WhenNothingPendingAsync(ct).WaitAsync(left, ct);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
            {
                // Reported below as a divergence: the editor still has unacknowledged ops.
            }
        }

        await using CollabConnection verifier = await ConnectToAnyAsync(options, ct);
        var divergences = new List<string>();
        int divergent = 0, docsChecked = 0;
        foreach (IGrouping<string, SimulatedEditor> doc in live.GroupBy(e => e.DocId))
        {
            docsChecked++;
            List<string> problems = [];
            // Editors may still be receiving the last ops: poll (bounded) until they match or time runs out.
            while (true)
            {
                DocumentSnapshot snapshot = await verifier.FetchSnapshotAsync(options.Collection, doc.Key, ct);
                problems = doc.Select(e => Describe(e, snapshot)).OfType<string>().ToList();
                if (problems.Count == 0 || DateTime.UtcNow > deadline) break;
                await Task.Delay(50, ct);
            }
            divergent += problems.Count;
            divergences.AddRange(problems.Take(Math.Max(0, 20 - divergences.Count)));
        }
        // Editors that never connected cannot have converged.
        divergent += editors.Count - live.Count;
        return new ConvergenceResult(docsChecked, live.Count, divergent, divergences);
    }

    /// <summary>A new connection to the first of the run's servers that answers (a node may have been killed).</summary>
    public static async Task<CollabConnection> ConnectToAnyAsync(LoadOptions options, CancellationToken ct)
    {
        Exception? last = null;
        foreach (Uri server in options.Servers)
        {
            try
            {
                return await CollabConnection.ConnectAsync(server, new CollabClientOptions { Encoding = options.Encoding }, ct);
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                last = e;
            }
        }
        throw new System.Net.WebSockets.WebSocketException("No server of the run answered: " + last?.Message, last);
    }

    private static string? Describe(SimulatedEditor editor, DocumentSnapshot snapshot)
    {
        CollabDocument doc = editor.Document!;
        if (editor.Connection!.State == ConnectionState.Failed) return $"editor {editor.Index} ({editor.DocId}): connection failed";
        if (doc.HasUnacknowledgedOps) return $"editor {editor.Index} ({editor.DocId}): ops still unacknowledged";
        if (doc.Version != snapshot.Version) return $"editor {editor.Index} ({editor.DocId}): at version {doc.Version}, server at {snapshot.Version}";
        if (doc.Text != snapshot.Text) return $"editor {editor.Index} ({editor.DocId}): text differs from the server's at version {snapshot.Version}";
        return null;
    }
}
