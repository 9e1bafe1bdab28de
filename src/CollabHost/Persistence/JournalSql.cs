using Akka.Persistence.Sql.Config;

namespace CollabHost.Persistence;

/// <summary>
/// The journal and tag tables' quoted names and columns as the plugin's table mapping has them, for the writers' own
/// INSERT statements (both SQLite and PostgreSQL quote identifiers with double quotes).
/// </summary>
internal sealed class JournalSql(JournalConfig config)
{
    private readonly JournalTableConfig _tables = config.TableConfig;

    public string JournalTable => Table(_tables.SchemaName, _tables.EventJournalTable.Name);

    /// <summary>
    /// The plugin's indexes on the journal by <c>created</c> and by <c>sequence_number</c> alone, as its SQLite schema
    /// names them (<c>{table}_{column}_idx</c>). No query of the plugin's or ours filters by either (every one goes by
    /// persistence id or by ordering), yet every row written pays for both.
    /// </summary>
    public IReadOnlyList<string> UnqueriedIndexes =>
    [
        Quote($"{_tables.EventJournalTable.Name}_{Columns.Created}_idx"),
        Quote($"{_tables.EventJournalTable.Name}_{Columns.SequenceNumber}_idx"),
    ];

    public string TagTable => Table(_tables.SchemaName, _tables.TagTable.Name);

    public JournalTableColumnNames Columns => _tables.EventJournalTable.ColumnNames;

    public TagTableColumnNames TagColumns => _tables.TagTable.ColumnNames;

    public bool WithWriterUuid => _tables.EventJournalTable.UseWriterUuidColumn;

    /// <summary>The writers write tags to the tag table only, as our configuration has it.</summary>
    public static void RequireTagTable(JournalConfig config, string database)
    {
        if (config.PluginConfig.TagMode != TagMode.TagTable)
        {
            throw new NotSupportedException(
                $"The {database} journal writer writes tags to the tag table only (tag-write-mode = TagTable), not {config.PluginConfig.TagMode}.");
        }
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Table(string? schema, string name) => schema is { Length: > 0 } ? $"{Quote(schema)}.{Quote(name)}" : Quote(name);
}
