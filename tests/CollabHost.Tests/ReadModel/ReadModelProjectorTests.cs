using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Persistence.Sql.Config;
using CollabActors.Documents;
using CollabHost.ReadModel;
using CollabHost.Tests.Support;

namespace CollabHost.Tests.ReadModel;

/// <summary>
/// The projector batch by batch against a journal a host wrote, on SQLite and PostgreSQL: what it keeps between batches
/// (the position it wrote, the projections of recent documents) never gets ahead of what it committed, and is
/// forgotten when another writer may have changed the tables.
/// </summary>
/// <remarks>
/// The journal: one document <c>early</c> created and edited first, then <see cref="Documents"/> documents created
/// and edited <see cref="Edits"/> times in rounds, so consecutive batches of a few rows touch the same documents.
/// Each test resets the read model and projects it with projectors of its own (the host is stopped: nothing else
/// projects).
/// </remarks>
public sealed class ReadModelProjectorTests
{
    private const string Json0 = "http://sharejs.org/types/JSONv0";
    private const string Collection = "notes";
    private const int Documents = 3;
    private const int Edits = 3;
    private const int JournalRows = 2 + Documents * (1 + Edits);

    /// <summary>A journal and the rows a correct projection of all of it gives.</summary>
    private sealed record Journal(JournalStore Store, ReadModelDatabase Database, JournalConfig Config, string Early, string[] Ids)
    {
        public IEnumerable<string> AllIds => [Early, .. Ids];
    }

    private static async Task<Journal> WriteJournalAsync(JournalStore store)
    {
        string early = "early-" + Guid.NewGuid().ToString("N")[..8];
        string[] ids = [.. Enumerable.Range(0, Documents).Select(i => $"doc{i}-" + Guid.NewGuid().ToString("N")[..8])];
        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        await using (WireClient client = await WireClient.ConnectAsync(host.WebSocket))
        {
            int seq = 0;
            async Task SubmitAsync(string id, long? version, string change)
            {
                var frame = new JsonObject { ["a"] = "op", ["c"] = Collection, ["d"] = id, ["v"] = version, ["seq"] = ++seq };
                foreach ((string name, JsonNode? value) in JsonNode.Parse(change)!.AsObject()) frame[name] = value?.DeepClone();
                JsonElement reply = await client.RequestAsync(frame.ToJsonString());
                Assert.False(reply.TryGetProperty("error", out _), reply.ToString());
            }
            await SubmitAsync(early, null, $$$$"""{"create":{"type":"{{{{Json0}}}}","data":{"n":0}}}""");
            await SubmitAsync(early, 1, """{"op":[{"p":["n"],"na":7}]}""");
            foreach (string id in ids) await SubmitAsync(id, null, $$$$"""{"create":{"type":"{{{{Json0}}}}","data":{"n":0}}}""");
            for (int round = 1; round <= Edits; round++)
            {
                for (int i = 0; i < Documents; i++) await SubmitAsync(ids[i], round, $$"""{"op":[{"p":["n"],"na":{{i + 1}}}]}""");
            }
        }
        var options = new CollabOptions
        {
            DataDir = store.DataDir,
            Journal = new JournalOptions { Provider = store.Provider, ConnectionString = store.ConnectionString },
        };
        JournalConfig config = JournalSetup.JournalConfig(options);
        var journal = new Journal(store, ReadModelDatabase.For(config), config, early, ids);
        using DbConnection connection = journal.Database.Open();
        journal.Database.Reset(connection);
        return journal;
    }

    /// <summary>The projector's own connection, holding the projector lock as the host's projection does.</summary>
    private static DbConnection OpenProjector(Journal journal)
    {
        DbConnection connection = journal.Database.OpenProjector();
        Assert.True(journal.Database.TryLockProjector(connection));
        return connection;
    }

    private static List<DocumentRow?> Rows(Journal journal)
    {
        using DbConnection connection = journal.Database.Open();
        Dictionary<DocumentId, DocumentRow?> rows = journal.Database.ReadDocuments(connection, [.. journal.AllIds.Select(id => new DocumentId(Collection, id))]);
        return [.. journal.AllIds.Select(id => rows[new DocumentId(Collection, id)])];
    }

    private static long Position(Journal journal)
    {
        using DbConnection connection = journal.Database.Open();
        return journal.Database.ReadPosition(connection);
    }

    /// <summary>Every document at its last version with the data its ops give: the whole journal projected.</summary>
    private static void AssertWholeJournalProjected(Journal journal)
    {
        List<DocumentRow?> rows = Rows(journal);
        AssertRow(rows[0], 2, 7);
        for (int i = 0; i < Documents; i++) AssertRow(rows[i + 1], 1 + Edits, Edits * (i + 1));
    }

    private static void AssertRow(DocumentRow? row, long version, int n)
    {
        Assert.NotNull(row);
        Assert.Equal((Json0, version), (row.Type, row.Version));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"n":{{n}}}"""), JsonNode.Parse(row.Data!)), $"{row.Id}: expected n = {n}, got {row.Data}");
    }

    private static async Task ExecuteAsync(JournalStore store, params string[] statements)
    {
        await using DbConnection connection = await store.OpenAsync();
        foreach (string sql in statements)
        {
            await using DbCommand command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Makes every write of the position fail (a trigger that raises) until <see cref="AllowWritesAsync"/>.</summary>
    private static Task FailWritesAsync(JournalStore store) => store.Provider == JournalStore.Sqlite
        ? ExecuteAsync(store, $"CREATE TRIGGER collab_test_fail BEFORE UPDATE ON {ReadModelDatabase.PositionTable} BEGIN SELECT RAISE(ABORT, 'injected write failure'); END")
        : ExecuteAsync(store,
            "CREATE FUNCTION collab_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected write failure'; END $$",
            $"CREATE TRIGGER collab_test_fail BEFORE UPDATE ON {ReadModelDatabase.PositionTable} FOR EACH ROW EXECUTE FUNCTION collab_test_fail()");

    private static Task AllowWritesAsync(JournalStore store) => store.Provider == JournalStore.Sqlite
        ? ExecuteAsync(store, "DROP TRIGGER collab_test_fail")
        : ExecuteAsync(store, $"DROP TRIGGER collab_test_fail ON {ReadModelDatabase.PositionTable}");

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task One_batch_writes_the_row_of_every_document_it_touched_as_batches_of_one_row_do(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        Journal journal = await WriteJournalAsync(store);
        using (DbConnection connection = OpenProjector(journal))
        {
            var projector = new ReadModelProjector(journal.Database);
            Assert.True(projector.ProjectOnce(connection));
            Assert.False(projector.ProjectOnce(connection)); // one batch took the whole journal
        }
        AssertWholeJournalProjected(journal);
        List<DocumentRow?> inOneBatch = Rows(journal);

        using (DbConnection connection = journal.Database.Open()) journal.Database.Reset(connection);
        using (DbConnection connection = OpenProjector(journal))
        {
            new ReadModelProjector(journal.Database, rowsPerBatch: 1).CatchUp(connection);
        }
        Assert.Equal(inOneBatch, Rows(journal));
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_projector_that_keeps_one_document_reads_the_others_back_from_their_rows_and_writes_the_same(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        Journal journal = await WriteJournalAsync(store);
        using DbConnection connection = OpenProjector(journal);
        // Batches of two rows over documents edited in turn: every batch but the first finds a document it dropped.
        new ReadModelProjector(journal.Database, recentDocuments: 1, rowsPerBatch: 2).CatchUp(connection);
        AssertWholeJournalProjected(journal);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_batch_whose_write_fails_leaves_rows_and_position_as_committed_and_the_next_batches_write_them_right(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        Journal journal = await WriteJournalAsync(store);
        using DbConnection connection = OpenProjector(journal);
        var projector = new ReadModelProjector(journal.Database, rowsPerBatch: 4);
        Assert.True(projector.ProjectOnce(connection));
        List<DocumentRow?> committed = Rows(journal);
        long position = Position(journal);

        // The next batch edits documents the first one wrote (the projector keeps their projections), then cannot commit.
        await FailWritesAsync(store);
        Assert.ThrowsAny<DbException>(() => projector.ProjectOnce(connection));
        Assert.Equal(committed, Rows(journal));
        Assert.Equal(position, Position(journal));

        // The same batch again: the journal's first 8 rows are `early` (created, edited) and every document created and
        // edited once. Nothing the failed batch applied may pass for written.
        await AllowWritesAsync(store);
        Assert.True(projector.ProjectOnce(connection));
        List<DocumentRow?> rows = Rows(journal);
        AssertRow(rows[0], 2, 7);
        for (int i = 0; i < Documents; i++) AssertRow(rows[i + 1], 2, i + 1);

        projector.CatchUp(connection);
        AssertWholeJournalProjected(journal);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Tables_reset_by_another_writer_between_batches_are_projected_again_from_the_start(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        Journal journal = await WriteJournalAsync(store);
        using DbConnection connection = OpenProjector(journal);
        var projector = new ReadModelProjector(journal.Database, rowsPerBatch: 4);
        Assert.True(projector.ProjectOnce(connection));
        Assert.True(projector.ProjectOnce(connection)); // `early` and its edit are behind the position now

        // Not a path the host takes while it holds the lock; the projector must not write on top of it as if nothing happened.
        using (DbConnection other = journal.Database.Open()) journal.Database.Reset(other);
        projector.CatchUp(connection);
        AssertWholeJournalProjected(journal);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_projector_given_another_connection_reads_the_position_and_rows_again(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        Journal journal = await WriteJournalAsync(store);
        var projector = new ReadModelProjector(journal.Database, rowsPerBatch: 4);
        using (DbConnection first = OpenProjector(journal)) projector.CatchUp(first);
        AssertWholeJournalProjected(journal);

        // The lock went with the first connection; meanwhile another node (here: a rebuild of nothing) wrote the tables.
        using (DbConnection other = journal.Database.Open()) journal.Database.Reset(other);
        using (DbConnection second = OpenProjector(journal)) projector.CatchUp(second);
        AssertWholeJournalProjected(journal);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_document_whose_events_cannot_be_applied_stays_behind_and_the_others_go_on(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        Journal journal = await WriteJournalAsync(store);
        // The first document's second edit is gone from the journal: its third cannot be applied.
        JournalTableColumnNames c = journal.Config.TableConfig.EventJournalTable.ColumnNames;
        string persistenceId = "document-" + new DocumentId(Collection, journal.Ids[0]).EntityId;
        await ExecuteAsync(store, $"DELETE FROM \"{journal.Config.TableConfig.EventJournalTable.Name}\" " +
                                  $"WHERE \"{c.PersistenceId}\" = '{persistenceId}' AND \"{c.SequenceNumber}\" = 3");
        var failures = new List<string>();
        using (DbConnection connection = OpenProjector(journal))
        {
            new ReadModelProjector(journal.Database, (what, _) => failures.Add(what), rowsPerBatch: 4).CatchUp(connection);
        }

        Assert.Single(failures);
        Assert.Contains(journal.Ids[0], failures[0]);
        List<DocumentRow?> rows = Rows(journal);
        AssertRow(rows[1], 2, 1); // as far as the events it could apply, in the batch before the missing one
        AssertRow(rows[0], 2, 7);
        for (int i = 1; i < Documents; i++) AssertRow(rows[i + 1], 1 + Edits, Edits * (i + 1));
    }
}
