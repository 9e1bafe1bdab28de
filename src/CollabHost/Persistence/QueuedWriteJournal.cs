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
    // for it first, as the plugin's own write path does (the base class tracks only writes it made itself).
    private readonly Dictionary<string, Task> _writesInProgress = new();

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

    /// <remarks>
    /// The token (the circuit breaker's call timeout) is not passed to the writer: a queued write is committed or
    /// fails as a whole, and a write that timed out but commits later is the uncertain case the documents already
    /// handle (the op was not acked; the client's resend is recognised by src/seq).
    /// </remarks>
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        long now = DateTime.UtcNow.Ticks;
        var events = new List<JournalEvent>();
        var rejections = ImmutableList.CreateBuilder<Exception>();
        bool anyRejected = false;
        string? persistenceId = null;
        foreach (AtomicWrite write in messages)
        {
            persistenceId ??= write.PersistenceId;
            // A payload that does not serialize rejects its own AtomicWrite (the actor's OnPersistRejected) and none
            // of its events is written; the others go on, as in the plugin.
            try
            {
                int firstOfWrite = events.Count;
                try
                {
                    foreach (IPersistentRepresentation representation in (IImmutableList<IPersistentRepresentation>)write.Payload)
                    {
                        events.Add(Serialize(representation, now));
                    }
                }
                catch
                {
                    events.RemoveRange(firstOfWrite, events.Count - firstOfWrite);
                    throw;
                }
                rejections.Add(null!);
            }
            catch (Exception cause)
            {
                rejections.Add(cause);
                anyRejected = true;
            }
        }

        Task written = events.Count == 0 ? Task.CompletedTask : _writer.WriteAsync(events);
        if (persistenceId is not null && !written.IsCompleted)
        {
            _writesInProgress[persistenceId] = written;
            IActorRef self = Self;
            written.ContinueWith(
                finished => self.Tell(new WriteFinished(persistenceId, finished)),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        return Results(written, anyRejected ? rejections.ToImmutable() : null);
    }

    /// <summary>
    /// A failed commit fails the task (every write in it gets OnPersistFailure); otherwise the per-write rejections,
    /// or null when there are none (AsyncWriteJournal reads null as "all written").
    /// </summary>
    private static async Task<IImmutableList<Exception>> Results(Task written, IImmutableList<Exception>? rejections)
    {
        await written;
        return rejections!;
    }

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

    protected override bool ReceivePluginInternal(object message)
    {
        if (message is WriteFinished finished)
        {
            if (_writesInProgress.TryGetValue(finished.PersistenceId, out Task? latest) && latest == finished.Write)
            {
                _writesInProgress.Remove(finished.PersistenceId);
            }
            return true;
        }
        return base.ReceivePluginInternal(message);
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

    /// <summary>Sent to the journal itself when a write's task ends, to drop it from the writes in progress.</summary>
    private sealed record WriteFinished(string PersistenceId, Task Write);
}
