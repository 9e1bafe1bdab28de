using System.Data.Common;

namespace CollabHost.Tests.Support;

/// <summary>
/// Makes a store's journal really fail, and mends it: renames the journal table away and back, so every write (and
/// read) by the running host errors in the database itself.
/// </summary>
public static class JournalBreaker
{
    public static Task BreakAsync(JournalStore store) => ExecuteAsync(store, "ALTER TABLE journal RENAME TO journal_broken");

    public static Task MendAsync(JournalStore store) => ExecuteAsync(store, "ALTER TABLE journal_broken RENAME TO journal");

    private static async Task ExecuteAsync(JournalStore store, string sql)
    {
        await using DbConnection connection = await store.OpenAsync();
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
