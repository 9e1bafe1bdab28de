namespace CollabHost;

/// <summary>
/// The read model and the queries over it (<c>Collab:Queries</c>; environment <c>Collab__Queries__MaxResults</c>, ...).
/// docs/queries.md says what each one bounds.
/// </summary>
public sealed class QueryOptions
{
    /// <summary>Keep the read model and answer <c>qf</c> and <c>GET /api/docs/{collection}?q=</c>; off: queries are refused as before.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Most documents one query returns. A larger <c>$limit</c> is refused, and a query without one that matches more
    /// is refused too (never silently cut): page with <c>$skip</c>/<c>$limit</c>.
    /// </summary>
    public int MaxResults { get; set; } = 1000;

    /// <summary>Longest a query may run (including its wait for a turn); then it is stopped and answered with an error.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Queries that run on one node at once; more wait for a turn (within <see cref="Timeout"/>).</summary>
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>
    /// How often the projector looks at the journal when no local commit woke it: the delay before ops written by
    /// other nodes (PostgreSQL cluster) reach the read model. Local commits wake it at once.
    /// </summary>
    public TimeSpan ProjectionPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// After a pass that found work, how long the projector lets further commits gather before the next: at most
    /// one read-model transaction per this interval under load (so the journal's writes rarely wait for its lock),
    /// and the most a committed op waits beyond its own batch to be seen by queries. Each pass writes every document
    /// changed since the last one back whole, so a document typed into continuously is rewritten once per pass:
    /// 100 ms took the projector's thread from 21 to 7–9 µs per op at 2,000 ops/s (20 ms before; docs/benchmarks.md,
    /// "The read model's batch delay").
    /// </summary>
    public TimeSpan ProjectionBatchDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How many documents the projector keeps in memory between batches, as their rows are (parsed, ready for the next
    /// op), so a document edited in batch after batch is not read back and parsed every time; the least recently
    /// written past this number is dropped. Memory: this many documents at their size as the type holds them.
    /// </summary>
    public int ProjectionRecentDocuments { get; set; } = ReadModel.ReadModelProjector.DefaultRecentDocuments;

    /// <summary>Live subscribe queries (<c>qs</c>) one node holds at once, for all its connections; one more is refused with <c>ERR_TOO_MANY_QUERY_SUBSCRIPTIONS</c>.</summary>
    public int MaxSubscriptions { get; set; } = 2000;

    /// <summary>
    /// How often a node with live queries reads the read model's position to see rows another node's projector wrote
    /// (PostgreSQL cluster). The node's own projector wakes them at once.
    /// </summary>
    public TimeSpan SubscriptionPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>After a wake-up, how long further changes gather before the affected live queries run again (one run for many changes).</summary>
    public TimeSpan SubscriptionDebounce { get; set; } = TimeSpan.FromMilliseconds(25);
}
