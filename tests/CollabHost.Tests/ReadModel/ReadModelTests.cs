using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using CollabHost.ReadModel;
using CollabHost.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CollabHost.Tests.ReadModel;

/// <summary>
/// The read model (collab_documents beside the journal) on SQLite and PostgreSQL: every committed op reaches it, a
/// crash between the journal and it is repaired on start, and the command rebuilds it from the journal.
/// </summary>
public sealed class ReadModelTests
{
    private const string Json0 = "http://sharejs.org/types/JSONv0";
    private const string TextUnicode = "http://sharejs.org/types/text-unicode";
    private const string RichText = "http://sharejs.org/types/rich-text/v1";
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(10);

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task SubmitAsync(WireClient client, string json)
    {
        JsonElement reply = await client.RequestAsync(json);
        Assert.False(reply.TryGetProperty("error", out _), reply.ToString());
    }

    /// <summary>Three documents of the three types, edited, and a fourth created and deleted; returns their ids.</summary>
    private static async Task<(string Note, string Text, string Rich, string Gone)> WriteCorpusAsync(InProcessHost host)
    {
        (string note, string text, string rich, string gone) = (NewId("note"), NewId("text"), NewId("rich"), NewId("gone"));
        await using WireClient client = await WireClient.ConnectAsync(host.WebSocket);
        await SubmitAsync(client, $$$$"""{"a":"op","c":"notes","d":"{{{{note}}}}","v":null,"seq":1,"create":{"type":"{{{{Json0}}}}","data":{"title":"Plan","n":1,"tags":[]}}}""");
        await SubmitAsync(client, $$$"""{"a":"op","c":"notes","d":"{{{note}}}","v":1,"seq":2,"op":[{"p":["n"],"na":2},{"p":["title",4],"si":"!"},{"p":["tags",0],"li":"x"},{"p":["done"],"oi":false}]}""");
        await SubmitAsync(client, $$$"""{"a":"op","c":"notes","d":"{{{text}}}","v":null,"seq":3,"create":{"type":"{{{TextUnicode}}}","data":"hello"}}""");
        await SubmitAsync(client, $$$"""{"a":"op","c":"notes","d":"{{{text}}}","v":1,"seq":4,"op":[5," world"]}""");
        await SubmitAsync(client, $$$"""{"a":"op","c":"notes","d":"{{{rich}}}","v":null,"seq":5,"create":{"type":"rich-text","data":[{"insert":"Hi\n"}]}}""");
        await SubmitAsync(client, $$$$"""{"a":"op","c":"notes","d":"{{{{gone}}}}","v":null,"seq":6,"create":{"type":"{{{{Json0}}}}","data":{"n":5}}}""");
        await SubmitAsync(client, $$$"""{"a":"op","c":"notes","d":"{{{gone}}}","v":1,"seq":7,"del":true}""");
        return (note, text, rich, gone);
    }

    private static async Task<DocumentRow> RowAtVersionAsync(ReadModelDatabase database, string collection, string id, long version)
    {
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        DocumentRow? row = null;
        while (DateTime.UtcNow < deadline)
        {
            using (DbConnection connection = database.Open())
            {
                try
                {
                    row = database.ReadDocument(connection, null, collection, id);
                }
                catch (DbException)
                {
                    // the table is not made yet
                }
            }
            if (row is not null && row.Version == version) return row;
            await Task.Delay(20);
        }
        throw new TimeoutException($"{collection}/{id} did not reach version {version} in the read model within {CatchUpTimeout}; last seen: {row}.");
    }

    private static void AssertSameJson(string expected, string? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual ?? "null")), $"expected {expected}, got {actual}");

    private static ReadModelDatabase DatabaseOf(JournalStore store) =>
        ReadModelDatabase.For(JournalSetup.JournalConfig(new CollabOptions
        {
            DataDir = store.DataDir,
            Journal = new JournalOptions { Provider = store.Provider, ConnectionString = store.ConnectionString },
        }));

    private static async Task ExecuteAsync(JournalStore store, string sql)
    {
        await using DbConnection connection = await store.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task Every_committed_op_reaches_the_read_model_with_type_version_times_and_data(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        await using InProcessHost host = await InProcessHost.StartAsync(store);
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        (string note, string text, string rich, string gone) = await WriteCorpusAsync(host);
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var database = host.Services.GetRequiredService<ReadModelDatabase>();

        DocumentRow noteRow = await RowAtVersionAsync(database, "notes", note, 2);
        Assert.Equal(Json0, noteRow.Type);
        AssertSameJson("""{"title":"Plan!","n":3,"tags":["x"],"done":false}""", noteRow.Data);
        Assert.InRange(noteRow.CreatedMs!.Value, before, after);
        Assert.InRange(noteRow.ModifiedMs, noteRow.CreatedMs.Value, after);

        DocumentRow textRow = await RowAtVersionAsync(database, "notes", text, 2);
        Assert.Equal(TextUnicode, textRow.Type);
        Assert.Equal("hello world", textRow.Stored);
        Assert.Equal("\"hello world\"", textRow.Data);

        DocumentRow richRow = await RowAtVersionAsync(database, "notes", rich, 1);
        Assert.Equal(RichText, richRow.Type);
        AssertSameJson("""{"ops":[{"insert":"Hi\n"}]}""", richRow.Data);

        // A deleted document keeps its row, with its version and no type or data (a tombstone, as ShareDB's databases keep).
        DocumentRow goneRow = await RowAtVersionAsync(database, "notes", gone, 2);
        Assert.Null(goneRow.Type);
        Assert.Null(goneRow.Data);
        // Results that tie keep this order: the order the documents were created in.
        Assert.True(noteRow.CreatedOrder < textRow.CreatedOrder && textRow.CreatedOrder < richRow.CreatedOrder && richRow.CreatedOrder < goneRow.CreatedOrder);
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task After_a_crash_between_the_journal_and_the_read_model_the_host_catches_up_on_start(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string note;
        string text;
        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            (note, text, _, _) = await WriteCorpusAsync(host);
            var database = host.Services.GetRequiredService<ReadModelDatabase>();
            await RowAtVersionAsync(database, "notes", note, 2);
            await RowAtVersionAsync(database, "notes", text, 2);
        }
        // As if the host died after the journal committed but before the read model's transaction: the position is
        // behind and the rows are not there (or older).
        await ExecuteAsync(store, $"UPDATE {ReadModelDatabase.PositionTable} SET position = 0");
        await ExecuteAsync(store, $"DELETE FROM {ReadModelDatabase.DocumentsTable} WHERE id = '{note}'");
        await ExecuteAsync(store, $"UPDATE {ReadModelDatabase.DocumentsTable} SET version = 1, stored = 'hello', data = {(provider == JournalStore.Sqlite ? "'\"hello\"'" : "'\"hello\"'::jsonb")} WHERE id = '{text}'");

        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            var database = host.Services.GetRequiredService<ReadModelDatabase>();
            DocumentRow noteRow = await RowAtVersionAsync(database, "notes", note, 2);
            AssertSameJson("""{"title":"Plan!","n":3,"tags":["x"],"done":false}""", noteRow.Data);
            DocumentRow textRow = await RowAtVersionAsync(database, "notes", text, 2);
            Assert.Equal("hello world", textRow.Stored);
        }
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task The_rebuild_command_makes_the_same_read_model_from_the_journal_alone(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string note, text, rich, gone;
        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            (note, text, rich, gone) = await WriteCorpusAsync(host);
            var database = host.Services.GetRequiredService<ReadModelDatabase>();
            await RowAtVersionAsync(database, "notes", gone, 2);
        }
        ReadModelDatabase db = DatabaseOf(store);
        List<DocumentRow> Rows()
        {
            using DbConnection connection = db.Open();
            return [.. new[] { note, text, rich, gone }.Select(id => db.ReadDocument(connection, null, "notes", id)!)];
        }
        List<DocumentRow> before = Rows();
        // Lost: rows gone and their shape unknown.
        await ExecuteAsync(store, $"DROP TABLE {ReadModelDatabase.DocumentsTable}");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = RebuildReadModelCommand.Run([.. store.HostArguments()], stdout, stderr);
        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("4 documents", stdout.ToString());
        Assert.Equal(before, Rows());
    }

    [Theory]
    [MemberData(nameof(JournalStore.Both), MemberType = typeof(JournalStore))]
    public async Task A_read_model_of_another_shape_is_rebuilt_when_the_host_starts(string provider)
    {
        using JournalStore store = JournalStore.Create(provider);
        string note;
        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            (note, _, _, _) = await WriteCorpusAsync(host);
            await RowAtVersionAsync(host.Services.GetRequiredService<ReadModelDatabase>(), "notes", note, 2);
        }
        await ExecuteAsync(store, $"UPDATE {ReadModelDatabase.PositionTable} SET shape = 0");
        await ExecuteAsync(store, $"UPDATE {ReadModelDatabase.DocumentsTable} SET version = 99");

        await using (InProcessHost host = await InProcessHost.StartAsync(store))
        {
            DocumentRow row = await RowAtVersionAsync(host.Services.GetRequiredService<ReadModelDatabase>(), "notes", note, 2);
            AssertSameJson("""{"title":"Plan!","n":3,"tags":["x"],"done":false}""", row.Data);
        }
    }
}
