using System.Diagnostics;
using System.Text.Json;
using CollabActors.Queries;
using CollabHost;
using CollabHost.Queries;
using CollabHost.ReadModel;

namespace CollabQueryBench;

/// <summary>One shape's figures: latencies over the timed runs, and what the last run returned (ids in order, or the count).</summary>
public sealed record ShapeLatency(QueryShape Shape, Percentiles Latency, IReadOnlyList<string> Ids, long? Count);

/// <summary>
/// Times queries through the path <c>qf</c> takes: <see cref="QueryRunner"/> (parse, compile, run on a pooled
/// connection under the query timeout and the concurrency turns), one at a time, with the host's default
/// <see cref="QueryOptions"/>. Warm-up runs first, not counted.
/// </summary>
public static class QueryLatency
{
    public static async Task<ShapeLatency> MeasureAsync(ReadModelDatabase database, QueryShape shape, int warmup, int runs)
    {
        var runner = new QueryRunner(database, new QueryOptions(), Task.CompletedTask);
        using JsonDocument query = JsonDocument.Parse(shape.Json);
        QueryResults last = null!;
        for (int i = 0; i < warmup; i++) last = await runner.RunAsync(TaskCorpus.Collection, query.RootElement, null, CancellationToken.None);
        var times = new List<double>(runs);
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            last = await runner.RunAsync(TaskCorpus.Collection, query.RootElement, null, CancellationToken.None);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        return new ShapeLatency(shape, Percentiles.Of(times), last.Documents.Select(d => d.Id).ToList(), last.Count);
    }
}
