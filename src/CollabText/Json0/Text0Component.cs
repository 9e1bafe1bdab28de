namespace CollabText.Json0;

/// <summary>
/// One component of a text0 op, the string subtype json0 embeds (<c>{"t":"text0","o":[...]}</c>, and what
/// <c>si</c>/<c>sd</c> stand for): insert <see cref="Insert"/> or delete <see cref="Delete"/> at <see cref="Position"/>.
/// Positions count UTF-16 code units, as JavaScript string indices do.
/// </summary>
public sealed record Text0Component
{
    private Text0Component(int position, string? insert, string? delete)
    {
        Position = position;
        Insert = insert;
        Delete = delete;
    }

    public int Position { get; }

    /// <summary>The inserted text, or null for a delete.</summary>
    public string? Insert { get; }

    /// <summary>The deleted text, or null for an insert.</summary>
    public string? Delete { get; }

    public bool IsInsert => Insert is not null;

    public static Text0Component InsertAt(int position, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Text0Component(CheckPosition(position), text, null);
    }

    public static Text0Component DeleteAt(int position, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Text0Component(CheckPosition(position), null, text);
    }

    private static int CheckPosition(int position) =>
        position >= 0 ? position : throw new InvalidJson0OpException($"A text0 position cannot be negative, got {position}.");
}
