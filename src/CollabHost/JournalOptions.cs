namespace CollabHost;

/// <summary>
/// Where document events and snapshots are stored (<c>Collab:Journal</c>). The default needs no set-up: SQLite at
/// <c>Collab:DataDir/collab.db</c>, created on first run. A cluster shares one PostgreSQL database:
/// <c>Collab:Journal:Provider=PostgreSQL</c> and <c>Collab:Journal:ConnectionString=Host=...;Database=...</c>.
/// </summary>
public sealed class JournalOptions
{
    public const string Sqlite = "SQLite";
    public const string PostgreSql = "PostgreSQL";

    /// <summary><see cref="Sqlite"/> (default) or <see cref="PostgreSql"/>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>ADO.NET connection string; required for PostgreSQL, for SQLite it overrides the file under DataDir.</summary>
    public string? ConnectionString { get; set; }
}
