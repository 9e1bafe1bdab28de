using System.Data.Common;
using Akka.Actor;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;
using CollabHost.ReadModel;

namespace CollabHost.Queries;

/// <summary>
/// The node's live subscribe queries (ShareDB's query emitters, one registry per node). A subscription runs its query
/// once and tells the connection the results; after that, whenever the read model's position moves, the subscriptions
/// of the collections whose documents changed run again (debounced, one run at a time each, never on an op's path)
/// and the connection is told the diff between the ids it had and the new ones, with the snapshots of the documents
/// that entered. The position moves when this node's projector writes (<see cref="ReadModelChanges"/> wakes the
/// registry at once) or another node's does (seen by reading <c>collab_read_model.position</c> every
/// <see cref="QueryOptions.SubscriptionPollInterval"/>); which collections changed is read from the journal rows
/// between the two positions, so every node sees the changes made through any node.
/// </summary>
public sealed class QuerySubscriptions : BackgroundService, IQuerySubscriptions
{
    private readonly QueryRunner _runner;
    private readonly ReadModelDatabase _database;
    private readonly QueryOptions _options;
    private readonly Task _schemaReady;
    private readonly ILogger<QuerySubscriptions> _log;
    private readonly object _gate = new();
    private readonly Dictionary<(IActorRef Subscriber, long Token), LiveQuery> _live = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    /// <summary>
    /// Runs again at once: half the runner's turns (Collab:Queries:MaxConcurrent), so a busy collection's live queries
    /// never take every turn from fetch queries.
    /// </summary>
    private readonly SemaphoreSlim _runTurns;

    public QuerySubscriptions(QueryRunner runner, ReadModelDatabase database, QueryOptions options, ReadModelProjection projection,
        ReadModelChanges changes, ILogger<QuerySubscriptions> log)
    {
        _runner = runner;
        _database = database;
        _options = options;
        _schemaReady = projection.SchemaReady;
        _log = log;
        _runTurns = new SemaphoreSlim(Math.Max(1, options.MaxConcurrent / 2));
        changes.Written += Wake;
    }

    /// <summary>Live subscriptions on this node now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _live.Count;
        }
    }

    public void Subscribe(IActorRef subscriber, long token, QueryRequest request, IReadOnlyList<DocumentPattern>? readable)
    {
        var live = new LiveQuery(subscriber, token, request, readable);
        lock (_gate)
        {
            if (_live.Count >= _options.MaxSubscriptions)
            {
                subscriber.Tell(new QueryReplies.Failed(request, new ProtocolError(ProtocolErrorCodes.TooManyQuerySubscriptions,
                    $"This server holds {_options.MaxSubscriptions} subscribe queries, its most (Collab:Queries:MaxSubscriptions); try again later."), token));
                return;
            }
            // Registered before its first run: a change the run does not see moves the position after it, and finds it.
            _live[(subscriber, token)] = live;
        }
        _ = Task.Run(() => StartAsync(live));
    }

    public void Unsubscribe(IActorRef subscriber, long token)
    {
        lock (_gate)
        {
            if (_live.Remove((subscriber, token), out LiveQuery? live)) live.Removed = true;
        }
    }

    private async Task StartAsync(LiveQuery live)
    {
        QueryResults results;
        try
        {
            results = await _runner.FetchAsync(live.Request.Collection!, live.Request.Query!, live.Readable, CancellationToken.None);
        }
        catch (Exception cause)
        {
            ProtocolError error = cause is QueryRejectedException rejected
                ? new ProtocolError(rejected.Code, rejected.Message)
                : new ProtocolError(ProtocolErrorCodes.QueryUnavailable, "The query failed on the server; try again.");
            if (cause is not QueryRejectedException) _log.LogError(cause, "Subscribe query {Id} on {Collection} failed", live.Request.QueryId, live.Request.Collection);
            lock (_gate)
            {
                _live.Remove((live.Subscriber, live.Token));
                if (!live.Removed) live.Subscriber.Tell(new QueryReplies.Failed(live.Request, error, live.Token));
                live.Removed = true;
            }
            return;
        }
        lock (_gate)
        {
            if (live.Removed) return;
            live.Ids = results.Documents.Select(d => d.Id).ToList();
            live.Count = results.Count;
            // Told under the lock, before any run again can tell a change: the connection gets them in order.
            live.Subscriber.Tell(new QueryReplies.Subscribed(live.Request, live.Token, results));
            live.Ready = true;
            if (live.Dirty) Wake();
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount > 0) return;
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken twice at once: one wake-up is enough.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        long? seen = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_options.SubscriptionPollInterval, stopping);
                if (Count == 0)
                {
                    seen = null; // nothing to keep up to date; the next subscription starts from the position then
                    continue;
                }
                // Changes come in bursts (a projector batch, then the next): one run again for all of them.
                await Task.Delay(_options.SubscriptionDebounce, stopping);
                await _schemaReady.WaitAsync(stopping);
                (HashSet<string>? changed, long position) = await Task.Run(() => ReadChanges(seen), stopping);
                // First look after a quiet time: what changed before is unknown, so every subscription looks again.
                bool all = seen is null;
                seen = position;
                RunAffected(all, changed);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception cause)
            {
                _log.LogError(cause, "Live queries could not read the read model's position; trying again");
                await Task.Delay(_options.SubscriptionPollInterval, CancellationToken.None);
            }
        }
    }

    private (HashSet<string>? Changed, long Position) ReadChanges(long? seen)
    {
        using DbConnection connection = _database.Open();
        long position = _database.ReadPosition(connection);
        if (seen is not { } after || position <= after) return (null, position);
        return (_database.ChangedCollections(connection, after, position), position);
    }

    private void RunAffected(bool all, HashSet<string>? changed)
    {
        var due = new List<LiveQuery>();
        lock (_gate)
        {
            foreach (LiveQuery live in _live.Values)
            {
                if (all || changed is not null && changed.Contains(live.Request.Collection!)) live.Dirty = true;
                if (!live.Dirty || !live.Ready || live.Running) continue; // a running or starting one runs again when it ends
                live.Dirty = false;
                live.Running = true;
                due.Add(live);
            }
        }
        // Each run waits for one of this registry's turns, then for one of the runner's, as fetch queries do.
        foreach (LiveQuery live in due) _ = RunAgainAsync(live);
    }

    private async Task RunAgainAsync(LiveQuery live)
    {
        QueryResults? results = null;
        await _runTurns.WaitAsync();
        try
        {
            results = await _runner.FetchAsync(live.Request.Collection!, live.Request.Query!, live.Readable, CancellationToken.None);
        }
        catch (Exception cause)
        {
            // As ShareDB's query emitter: logged, not sent; the subscription keeps its results until a run succeeds.
            _log.LogWarning(cause, "Subscribe query {Id} on {Collection} failed to run again", live.Request.QueryId, live.Request.Collection);
        }
        finally
        {
            _runTurns.Release();
        }
        lock (_gate)
        {
            live.Running = false;
            if (live.Removed) return;
            if (results is not null)
            {
                List<ResultsChange> diff = ResultsDiff.Compute(live.Ids, results.Documents);
                bool countChanged = results.Count != live.Count;
                if (diff.Count > 0 || countChanged)
                {
                    live.Ids = results.Documents.Select(d => d.Id).ToList();
                    live.Count = results.Count;
                    live.Subscriber.Tell(new QueryReplies.Changed(live.Request.QueryId, live.Token, diff, countChanged, results.Count));
                }
            }
            if (live.Dirty) Wake();
        }
    }

    /// <summary>One live query: whose, what, the ids its subscriber has as results, and whether it must run again.</summary>
    private sealed class LiveQuery(IActorRef subscriber, long token, QueryRequest request, IReadOnlyList<DocumentPattern>? readable)
    {
        public IActorRef Subscriber { get; } = subscriber;
        public long Token { get; } = token;
        public QueryRequest Request { get; } = request;
        public IReadOnlyList<DocumentPattern>? Readable { get; } = readable;
        public List<string> Ids { get; set; } = new();
        public long? Count { get; set; }
        public bool Ready { get; set; }
        public bool Running { get; set; }
        public bool Dirty { get; set; }
        public bool Removed { get; set; }
    }
}
