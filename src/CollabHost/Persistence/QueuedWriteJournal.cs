using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Journal;
using Akka.Serialization;
using Akka.Util;

namespace CollabHost.Persistence;

/// <summary>
/// Akka.Persistence.Sql's journal with its own write path (<see cref="JournalWriter"/>: one writer thread, prepared
/// statements, one transaction per queue drain) for SQLite and PostgreSQL; replay, highest sequence number, deletes
/// and the query side stay the plugin's, and read the rows written here. Replay and the highest sequence number run on
/// the <see cref="JournalLane"/>, never on this actor's thread, so a live document's write is never queued behind
/// recoveries. config/akka.hocon names it as the journal.
/// </summary>
public sealed class QueuedWriteJournal : SqlWriteJournal
{
    private readonly JournalConfig _config;
    private readonly Akka.Serialization.Serialization _serialization;
    private readonly JournalWriter _writer;
    private readonly JournalLane _reads;

    // Per persistence id, its last write not yet finished: a recovery that reads the highest sequence number waits
    // for it first, as the plugin's own write path does (the base class tracks only writes it made itself). Finished
    // ones are swept out now and then (ForgetFinishedWrites); a finished one found here is simply not waited for.
    private readonly Dictionary<string, Task> _writesInProgress = new();
    private const int MinimumSweep = 1024;
    private int _sweepAt = MinimumSweep;

    // Writes that came before the plugin's tables were made, in the order they came; null once they are made.
    private List<WriteMessages>? _waitingForTables = [];

    /// <summary>The journal setting (under akka.persistence.journal.sql) for <see cref="JournalWriter"/>'s commit window.</summary>
    public const string CommitWindowSetting = "commit-window";

    public QueuedWriteJournal(Config journalConfig) : base(journalConfig)
    {
        // The same settings the base class reads (it keeps its own private); we use no DataOptionsSetup.
        _config = new JournalConfig(journalConfig.WithFallback(SqlPersistence.DefaultJournalConfiguration));
        _serialization = Context.System.Serialization;
        _reads = JournalLane.For(Context.System);
        // One writer uuid per journal incarnation, as the plugin writes it.
        string? writerUuid = _config.TableConfig.EventJournalTable.UseWriterUuidColumn ? Guid.NewGuid().ToString("N") : null;
        TimeSpan commitWindow = journalConfig.GetTimeSpan(CommitWindowSetting, TimeSpan.Zero);
        _writer = _config.ProviderName switch
        {
            var p when p.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase) =>
                new JournalWriter(new SqliteJournalDatabase(_config, writerUuid), "SQLite", Context.GetLogger(), commitWindow),
            var p when p.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase) =>
                new JournalWriter(new PostgreSqlJournalDatabase(_config, writerUuid), "PostgreSQL", Context.GetLogger(), commitWindow),
            var p => throw new NotSupportedException(
                $"The journal writes to SQLite or PostgreSQL (linq2db provider names SQLite.* and PostgreSQL*), not '{p}'."),
        };
    }

    /// <summary>
    /// Writes go to the journal writer from here, not through AsyncWriteJournal's own path: that path wraps every
    /// WriteMessages in its circuit breaker (a cancellation timer per write), prepares a copy of every event, and sends
    /// each reply through a resequencer actor, one more hand-off between threads on every commit. Here the events are
    /// serialized and queued, and the writer sends each transaction's replies (<see cref="JournalWriteReplies"/>) in
    /// one thread-pool work item as it finishes the commit. Writes that come before the plugin has made its tables wait here, in order,
    /// until <see cref="TablesMade"/> comes back (see <see cref="PreStart"/>).
    /// </summary>
    /// <remarks>
    /// Without the breaker a write has no call timeout: a commit that takes long is waited for. The writer commits one
    /// transaction at a time, so failing the writes queued behind a slow one would not free anything; it would only
    /// turn a wait into the uncertain case (not acked, maybe committed later) and the documents' restarts would wait
    /// for the same commit to read their highest sequence number. A commit that fails fails every write in it at once.
    /// </remarks>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (message is not WriteMessages write) return base.AroundReceive(receive, message);
        if (_waitingForTables is { } waiting) waiting.Add(write);
        else Write(write);
        return true;
    }

    /// <summary>
    /// The plugin stashes every message until it has made its tables and handles them only then, in order; a note
    /// to itself sent now comes back through <see cref="ReceivePluginInternal"/> once that is done, whatever the
    /// plugin's way of waiting is.
    /// </summary>
    protected override void PreStart()
    {
        base.PreStart();
        Self.Tell(TablesMade.Instance);
    }

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is not TablesMade) return base.ReceivePluginInternal(message);
        List<WriteMessages>? waiting = _waitingForTables;
        _waitingForTables = null;
        foreach (WriteMessages write in waiting ?? []) Write(write);
        return true;
    }

    private void Write(WriteMessages write)
    {
        long now = DateTime.UtcNow.Ticks;
        var events = new List<JournalEvent>();
        Exception?[]? rejections = null;
        string? persistenceId = null;
        int atomicIndex = 0;
        foreach (IPersistentEnvelope envelope in write.Messages)
        {
            if (envelope is not AtomicWrite atomic) continue;
            persistenceId ??= atomic.PersistenceId;
            // A payload that does not serialize rejects its own AtomicWrite (the actor's OnPersistRejected) and none
            // of its events is written; the others go on, as in the plugin.
            int firstOfWrite = events.Count;
            try
            {
                foreach (IPersistentRepresentation representation in (IImmutableList<IPersistentRepresentation>)atomic.Payload)
                {
                    events.Add(Serialize(AdaptToJournal(representation), now));
                }
            }
            catch (Exception cause)
            {
                events.RemoveRange(firstOfWrite, events.Count - firstOfWrite);
                rejections ??= new Exception?[JournalWriteReplies.AtomicWrites(write)];
                rejections[atomicIndex] = cause;
            }
            atomicIndex++;
        }

        var replies = new JournalWriteReplies(write, rejections, Self);
        if (events.Count == 0)
        {
            replies.Send(null);
            return;
        }
        _writesInProgress[persistenceId!] = _writer.WriteAsync(events, replies);
        ForgetFinishedWrites();
    }

    /// <summary>
    /// Drops finished writes from the table once it has doubled since the last sweep (a sweep per write would cost a
    /// pass over every document; a message to this actor per write, as the plugin does, a hand-off per commit).
    /// </summary>
    private void ForgetFinishedWrites()
    {
        if (_writesInProgress.Count < _sweepAt) return;
        foreach ((string id, Task write) in _writesInProgress)
        {
            if (write.IsCompleted) _writesInProgress.Remove(id);
        }
        _sweepAt = Math.Max(MinimumSweep, 2 * _writesInProgress.Count);
    }

    /// <summary>Not called: <see cref="AroundReceive"/> takes every WriteMessages.</summary>
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("QueuedWriteJournal answers WriteMessages itself; AsyncWriteJournal's write path is not used.");

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_writesInProgress.TryGetValue(persistenceId, out Task? inProgress))
        {
            // Whether it succeeded does not matter here, only that it is over.
            await inProgress.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
        // The base class's own table of writes in progress is always empty (its WriteMessagesAsync never runs), so
        // calling it on the read lane, off the actor's thread, touches no state the actor changes.
        return await _reads.Run(() => base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken));
    }

    /// <remarks>AsyncWriteJournal calls this off the actor's thread already; the lane bounds how many run at once.</remarks>
    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<IPersistentRepresentation> recoveryCallback) =>
        _reads.Run(() => base.ReplayMessagesAsync(context, persistenceId, fromSequenceNr, toSequenceNr, max, recoveryCallback));

    /// <summary>The journal's note to itself that the plugin has made its tables (<see cref="PreStart"/>).</summary>
    private sealed class TablesMade : INoSerializationVerificationNeeded
    {
        public static readonly TablesMade Instance = new();
    }

    protected override void PostStop()
    {
        // Writes already queued still commit (their actors may be waiting); new ones are refused.
        _writer.Dispose();
        base.PostStop();
    }

    /// <summary>Serializes one event exactly as Akka.Persistence.Sql's ByteArrayJournalSerializer does.</summary>
    private JournalEvent Serialize(IPersistentRepresentation representation, long now)
    {
        object payload = representation.Payload;
        string[] tags = [];
        if (payload is Tagged tagged)
        {
            payload = tagged.Payload;
            tags = [.. tagged.Tags];
        }
        Serializer serializer = _serialization.FindSerializerForType(payload.GetType(), _config.DefaultSerializer);
        (string manifest, byte[] message) = Akka.Serialization.Serialization.WithTransport(
            _serialization.System,
            (serializer, payload),
            static state =>
            {
                (Serializer s, object p) = state;
                string manifest = s switch
                {
                    SerializerWithStringManifest withManifest => withManifest.Manifest(p),
                    { IncludeManifest: true } => p.GetType().TypeQualifiedName(),
                    _ => string.Empty,
                };
                return (manifest, s.ToBinary(p));
            });
        return new JournalEvent(
            representation.PersistenceId,
            representation.SequenceNr,
            representation.Timestamp == 0 ? now : representation.Timestamp,
            message,
            manifest,
            serializer.Identifier,
            tags);
    }
}
