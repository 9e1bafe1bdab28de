using System.Collections.Immutable;
using System.Data.Common;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using CollabHost.Persistence;
using CollabHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.Persistence;

/// <summary>
/// The journal's own write path (<see cref="QueuedWriteJournal"/>) on SQLite and PostgreSQL: what it writes, the
/// plugin's unchanged read code replays; a write that fails or is refused takes nothing else down with it.
/// </summary>
public sealed class QueuedWriteJournalTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Events_of_many_concurrent_writers_are_all_replayed_in_order_after_a_restart(string provider)
    {
        const int writers = 40;
        const int eventsEach = 30;
        using JournalStore store = JournalStore.Create(provider);
        string run = Guid.NewGuid().ToString("N")[..8];
        string[] ids = Enumerable.Range(0, writers).Select(i => $"log-{run}-{i}").ToArray();
        long before = DateTime.UtcNow.Ticks;

        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
            Assert.Equal(JournalSetup.JournalClass, system.Settings.Config.GetString("akka.persistence.journal.sql.class"));
            // Every writer appends in three rounds at once with the others, so the writer's transactions mix them.
            IActorRef[] logs = ids.Select(id => system.ActorOf(EventLog.Create(id))).ToArray();
            for (int round = 0; round < 3; round++)
            {
                await Task.WhenAll(logs.Select(log => log.Ask<int>(new EventLog.Append(eventsEach / 3), Timeout)));
            }
        }
        long after = DateTime.UtcNow.Ticks;

        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
            IReadOnlyList<string>[] recovered = await Task.WhenAll(ids.Select(id =>
                system.ActorOf(EventLog.Create(id)).Ask<IReadOnlyList<string>>(EventLog.GetEvents.Instance, Timeout)));
            for (int i = 0; i < writers; i++)
            {
                Assert.Equal(Enumerable.Range(1, eventsEach).Select(k => EventLog.EventText(ids[i], k)), recovered[i]);
            }
        }

        // The rows are as the plugin writes them: not deleted, created in ticks at write time, the writer's uuid.
        await using DbConnection connection = await store.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText =
            "SELECT COUNT(*), SUM(CASE WHEN deleted THEN 1 ELSE 0 END), MIN(created), MAX(created), COUNT(DISTINCT writer_uuid), " +
            "SUM(CASE WHEN identifier IS NULL THEN 1 ELSE 0 END) " +
            $"FROM journal WHERE persistence_id LIKE 'log-{run}-%'";
        await using DbDataReader rows = await command.ExecuteReaderAsync();
        Assert.True(await rows.ReadAsync());
        Assert.Equal(writers * eventsEach, rows.GetInt64(0));
        Assert.Equal(0, rows.GetInt64(1));
        Assert.InRange(rows.GetInt64(2), before, after);
        Assert.InRange(rows.GetInt64(3), before, after);
        Assert.Equal(1, rows.GetInt64(4));
        Assert.Equal(0, rows.GetInt64(5));
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_write_with_a_taken_sequence_number_fails_alone_and_leaves_nothing_of_its_transaction(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        string clashing = "clash-" + Guid.NewGuid().ToString("N")[..8];
        string bystander = "bystander-" + Guid.NewGuid().ToString("N")[..8];

        var first = new Inbox(system);
        journal.Tell(Write(first, [Atomic(clashing, 1, "one"), Atomic(clashing, 2, "two")]));
        await first.Expect<WriteMessagesSuccessful>();

        // Sent together, so they may share the writer's transaction: the clashing one (a new event 3, then the
        // taken 2) must fail whole, the bystander's must not.
        var clash = new Inbox(system);
        var innocent = new Inbox(system);
        journal.Tell(Write(clash, [Atomic(clashing, 3, "three"), Atomic(clashing, 2, "two again")]));
        journal.Tell(Write(innocent, [Atomic(bystander, 1, "bystander")]));
        await clash.Expect<WriteMessagesFailed>();
        await clash.Expect<WriteMessageFailure>();
        await clash.Expect<WriteMessageFailure>();
        await innocent.Expect<WriteMessagesSuccessful>();
        await innocent.Expect<WriteMessageSuccess>();

        Assert.Equal(new object[] { "one", "two" }, await Replay(system, journal, clashing));
        Assert.Equal(new object[] { "bystander" }, await Replay(system, journal, bystander));

        // And the journal keeps serving.
        var later = new Inbox(system);
        journal.Tell(Write(later, [Atomic(clashing, 3, "three")]));
        await later.Expect<WriteMessagesSuccessful>();
        Assert.Equal(new object[] { "one", "two", "three" }, await Replay(system, journal, clashing));
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_persistence_id_and_tag_outside_ascii_are_stored_as_the_same_text_the_plugin_reads_back(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        string id = "naïve-文書-😀-" + Guid.NewGuid().ToString("N")[..8];

        var inbox = new Inbox(system);
        journal.Tell(Write(inbox, [Atomic(id, 1, "first"), Atomic(id, 2, new Tagged("second", ["étiquette-🏷"]))]));
        await inbox.Expect<WriteMessagesSuccessful>();
        Assert.Equal(new object[] { "first", "second" }, await Replay(system, journal, id));

        await using DbConnection connection = await store.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = "SELECT t.tag FROM tags t WHERE t.persistence_id = @id";
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        Assert.Equal("étiquette-🏷", (string?)await command.ExecuteScalarAsync());
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Tagged_events_get_tag_rows_that_point_at_their_own_journal_rows(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        string id = "tagged-" + Guid.NewGuid().ToString("N")[..8];

        var inbox = new Inbox(system);
        journal.Tell(Write(inbox,
        [
            Atomic(id, 1, "plain"),
            Atomic(id, 2, new Tagged("two tags", ["red", "blue"])),
            Atomic(id, 3, new Tagged("one tag", ["red"])),
        ]));
        await inbox.Expect<WriteMessagesSuccessful>();
        Assert.Equal(new object[] { "plain", "two tags", "one tag" }, await Replay(system, journal, id));

        await using DbConnection connection = await store.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText =
            "SELECT t.sequence_nr, t.tag FROM tags t JOIN journal j ON j.ordering = t.ordering_id " +
            $"WHERE t.persistence_id = '{id}' AND j.persistence_id = t.persistence_id AND j.sequence_number = t.sequence_nr " +
            "ORDER BY t.sequence_nr, t.tag";
        var tags = new List<string>();
        await using DbDataReader rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync()) tags.Add($"{rows.GetInt64(0)}:{rows.GetString(1)}");
        Assert.Equal(["2:blue", "2:red", "3:red"], tags);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_payload_the_serializer_refuses_is_rejected_alone_and_the_journal_keeps_serving(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        string id = "refused-" + Guid.NewGuid().ToString("N")[..8];

        var inbox = new Inbox(system);
        journal.Tell(Write(inbox,
        [
            Atomic(id, 1, "kept"),
            new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(
                Event(id, 2, "part of a refused write"), Event(id, 3, new Unserializable()))),
        ]));
        // A rejection, not a failure: the batch as such went through, the refused AtomicWrite is reported alone.
        await inbox.Expect<WriteMessagesSuccessful>();
        Assert.Equal(1, (await inbox.Expect<WriteMessageSuccess>()).Persistent.SequenceNr);
        WriteMessageRejected rejected = await inbox.Expect<WriteMessageRejected>();
        Assert.Equal(2, rejected.Persistent.SequenceNr);
        Assert.Equal(3, (await inbox.Expect<WriteMessageRejected>()).Persistent.SequenceNr);

        Assert.Equal(new object[] { "kept" }, await Replay(system, journal, id));

        var later = new Inbox(system);
        journal.Tell(Write(later, [Atomic(id, 2, "then this")]));
        await later.Expect<WriteMessagesSuccessful>();
        Assert.Equal(new object[] { "kept", "then this" }, await Replay(system, journal, id));
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Replies_come_in_the_order_written_each_with_the_sender_of_its_event(string provider)
    {
        // What AsyncWriteJournal's resequencer guaranteed, now that the journal writer replies itself: the batch's
        // outcome first, then one reply per event in the order sent, each from the sender of its command (a persist
        // handler's Sender), with the actor's instance id.
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        string id = "ordered-" + Guid.NewGuid().ToString("N")[..8];
        IActorRef author = new Inbox(system).Ref, later = new Inbox(system).Ref;

        var actor = new Inbox(system);
        journal.Tell(new WriteMessages(
            [
                new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(Event(id, 1, "one", author), Event(id, 2, "two", author))),
                new AtomicWrite(Event(id, 3, "three", later)),
            ],
            actor.Ref,
            actorInstanceId: 7));

        await actor.ExpectFrom<WriteMessagesSuccessful>(journal);
        foreach ((long sequenceNr, IActorRef sender) in new[] { (1L, author), (2L, author), (3L, later) })
        {
            WriteMessageSuccess success = await actor.ExpectFrom<WriteMessageSuccess>(sender);
            Assert.Equal((sequenceNr, 7), (success.Persistent.SequenceNr, success.ActorInstanceId));
        }
        Assert.Equal(new object[] { "one", "two", "three" }, await Replay(system, journal, id));
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_persist_handler_sees_its_commands_sender_and_deferred_handlers_run_after_the_events_before_them(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        var asker = new Inbox(system);
        string id = "echo-" + Guid.NewGuid().ToString("N")[..8];
        IActorRef log = system.ActorOf(Props.Create(() => new Echo(id)));

        log.Tell("a", asker.Ref);
        log.Tell("b", asker.Ref);
        // Each persist handler answers its command's sender; each command's deferred handler comes after its event.
        Assert.Equal("persisted a", await asker.ExpectFrom<string>(log));
        Assert.Equal("deferred after 1", await asker.ExpectFrom<string>(log));
        Assert.Equal("persisted b", await asker.ExpectFrom<string>(log));
        Assert.Equal("deferred after 2", await asker.ExpectFrom<string>(log));
    }

    /// <summary>Persists each string it is sent; answers from the persist handler (to Sender) and from a deferred one.</summary>
    private sealed class Echo : ReceivePersistentActor
    {
        private int _count;

        public Echo(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<string>(_ => _count++);
            Command<string>(text =>
            {
                Persist(text, persisted =>
                {
                    _count++;
                    Sender.Tell("persisted " + persisted);
                });
                IActorRef asker = Sender;
                DeferAsync(text, _ => asker.Tell("deferred after " + _count));
            });
        }

        public override string PersistenceId { get; }
    }

    [Fact]
    public async Task On_SQLite_the_journal_keeps_only_the_index_its_reads_use_after_every_start()
    {
        using JournalStore store = JournalStore.Create(JournalStore.Sqlite);
        string id = "indexed-" + Guid.NewGuid().ToString("N")[..8];
        // The plugin creates its two other indexes again at every start; the writer drops them before its first commit.
        for (int start = 1; start <= 2; start++)
        {
            await using (InProcessHost host = await InProcessHost.StartAsync(store))
            {
                ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
                IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
                var inbox = new Inbox(system);
                journal.Tell(Write(inbox, [Atomic(id, start, $"event {start}")]));
                await inbox.Expect<WriteMessagesSuccessful>();
                Assert.Equal(Enumerable.Range(1, start).Select(k => (object)$"event {k}"), await Replay(system, journal, id));
            }

            await using DbConnection connection = await store.OpenAsync();
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' ORDER BY name";
            var indexes = new List<string>();
            await using DbDataReader rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync()) indexes.Add(rows.GetString(0));
            Assert.Equal(["journal_uq"], indexes);
        }
    }

    [Fact]
    public async Task On_SQLite_a_recovery_that_starts_while_its_ids_write_waits_for_the_database_reads_after_that_write()
    {
        using JournalStore store = JournalStore.Create(JournalStore.Sqlite);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();
        IActorRef journal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        string run = Guid.NewGuid().ToString("N")[..8];

        // Writes of many ids sent together first, more than the journal keeps before it sweeps out finished ones.
        var many = new Inbox(system);
        string[] ids = Enumerable.Range(0, 1_500).Select(i => $"many-{run}-{i}").ToArray();
        foreach (string id in ids) journal.Tell(Write(many, [Atomic(id, 1, id)]));
        for (int i = 0; i < ids.Length; i++)
        {
            await many.Expect<WriteMessagesSuccessful>();
            await many.Expect<WriteMessageSuccess>();
        }

        // Another connection holds the write lock: the next write waits in the journal writer.
        await using DbConnection holder = await store.OpenAsync();
        await using (DbCommand begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }
        string waiting = $"waiting-{run}";
        var writer = new Inbox(system);
        journal.Tell(Write(writer, [Atomic(waiting, 1, "first")]));
        var recovery = new Inbox(system);
        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, waiting, recovery.Ref));
        await recovery.ExpectNothingWithin(TimeSpan.FromMilliseconds(500)); // the recovery waits for the write

        await using (DbCommand commit = holder.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }
        await writer.Expect<WriteMessagesSuccessful>();
        Assert.Equal("first", (await recovery.Expect<ReplayedMessage>()).Persistent.Payload);
        Assert.Equal(1, (await recovery.Expect<RecoverySuccess>()).HighestSequenceNr);
        Assert.Equal(new object[] { ids[0] }, await Replay(system, journal, ids[0]));
    }

    private static WriteMessages Write(Inbox replyTo, IEnumerable<AtomicWrite> writes) =>
        new(writes.Cast<IPersistentEnvelope>().ToArray(), replyTo.Ref, actorInstanceId: 1);

    private static AtomicWrite Atomic(string persistenceId, long sequenceNr, object payload) =>
        new(Event(persistenceId, sequenceNr, payload));

    private static Persistent Event(string persistenceId, long sequenceNr, object payload, IActorRef? sender = null) =>
        new(payload, sequenceNr, persistenceId, manifest: "", isDeleted: false, sender ?? ActorRefs.NoSender, writerGuid: "test");

    /// <summary>The events the plugin's replay (its read code, unchanged) returns for a persistence id.</summary>
    private static async Task<List<object>> Replay(ActorSystem system, IActorRef journal, string persistenceId)
    {
        var inbox = new Inbox(system);
        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, persistenceId, inbox.Ref));
        var events = new List<object>();
        while (true)
        {
            switch (await inbox.Next())
            {
                case ReplayedMessage replayed:
                    Assert.Equal(events.Count + 1, replayed.Persistent.SequenceNr);
                    events.Add(replayed.Persistent.Payload);
                    break;
                case RecoverySuccess:
                    return events;
                case var other:
                    throw new Xunit.Sdk.XunitException($"unexpected reply during replay: {other}");
            }
        }
    }

    /// <summary>A payload Akka's JSON serializer cannot write: reading its property throws.</summary>
    private sealed class Unserializable
    {
        public string Value => throw new InvalidOperationException("this payload refuses to be serialized");
    }

    /// <summary>An actor that passes every message it receives to the test, in order.</summary>
    private sealed class Inbox
    {
        private readonly Channel<(object Message, IActorRef Sender)> _messages = Channel.CreateUnbounded<(object, IActorRef)>();

        public Inbox(ActorSystem system) => Ref = system.ActorOf(Props.Create(() => new Forwarder(_messages.Writer)));

        public IActorRef Ref { get; }

        public async Task<object> Next() => (await NextWithSender()).Message;

        public async Task<(object Message, IActorRef Sender)> NextWithSender()
        {
            using var timeout = new CancellationTokenSource(Timeout);
            return await _messages.Reader.ReadAsync(timeout.Token);
        }

        public async Task<T> Expect<T>() => Assert.IsType<T>(await Next());

        /// <summary>The next message, which must be a <typeparamref name="T"/> sent by <paramref name="sender"/>.</summary>
        public async Task<T> ExpectFrom<T>(IActorRef sender)
        {
            (object message, IActorRef from) = await NextWithSender();
            Assert.Equal(sender, from);
            return Assert.IsType<T>(message);
        }

        public async Task ExpectNothingWithin(TimeSpan quiet)
        {
            using var timeout = new CancellationTokenSource(quiet);
            try
            {
                (object message, _) = await _messages.Reader.ReadAsync(timeout.Token);
                throw new Xunit.Sdk.XunitException($"expected nothing within {quiet}, got {message}");
            }
            catch (OperationCanceledException)
            {
            }
        }

        private sealed class Forwarder : ReceiveActor
        {
            public Forwarder(ChannelWriter<(object, IActorRef)> messages) => ReceiveAny(message => messages.TryWrite((message, Sender)));
        }
    }

    /// <summary>A persistent actor that appends numbered events and replies with how many it has.</summary>
    private sealed class EventLog : ReceivePersistentActor
    {
        private readonly List<string> _events = [];

        public EventLog(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<string>(_events.Add);
            Command<Append>(append =>
            {
                IActorRef sender = Sender;
                string[] next = Enumerable.Range(_events.Count + 1, append.Count).Select(k => EventText(PersistenceId, k)).ToArray();
                // Several AtomicWrites in one WriteMessages, some of several events.
                int half = next.Length / 2;
                PersistAll(next[..half], _events.Add);
                Persist(next[half], _events.Add);
                PersistAll(next[(half + 1)..], _events.Add);
                DeferAsync(next.Length, _ => sender.Tell(_events.Count));
            });
            Command<GetEvents>(_ => Sender.Tell(_events.ToArray()));
        }

        public override string PersistenceId { get; }

        public static Props Create(string persistenceId) => Props.Create(() => new EventLog(persistenceId));

        public static string EventText(string persistenceId, int number) => $"{persistenceId}:{number}";

        public sealed record Append(int Count);

        public sealed class GetEvents
        {
            public static readonly GetEvents Instance = new();
        }
    }
}
