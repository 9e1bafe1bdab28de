namespace CollabText;

/// <summary>
/// One step of a text-unicode op: skip N code points, insert a string, or delete N code points (optionally
/// carrying the deleted text, which makes the op invertible). Lengths are Unicode code points, never UTF-16 units.
/// </summary>
public readonly struct OpComponent : IEquatable<OpComponent>
{
    private OpComponent(OpComponentKind kind, int length, string? text)
    {
        Kind = kind;
        Length = length;
        Text = text;
    }

    public OpComponentKind Kind { get; }

    /// <summary>Length in code points (for an insert or a delete with text: the code points of the text).</summary>
    public int Length { get; }

    /// <summary>The inserted text; for a delete the deleted text when the op carries it, else null.</summary>
    public string? Text { get; }

    public bool IsSkip => Kind == OpComponentKind.Skip;
    public bool IsInsert => Kind == OpComponentKind.Insert;
    public bool IsDelete => Kind == OpComponentKind.Delete;

    public static OpComponent Skip(int count) => new(OpComponentKind.Skip, count, null);

    public static OpComponent Insert(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(OpComponentKind.Insert, CodePoints.Count(text), text);
    }

    public static OpComponent Delete(int count) => new(OpComponentKind.Delete, count, null);

    public static OpComponent Delete(string deletedText)
    {
        ArgumentNullException.ThrowIfNull(deletedText);
        return new(OpComponentKind.Delete, CodePoints.Count(deletedText), deletedText);
    }

    // Used where the code-point length is already known, so slicing does not count twice.
    internal static OpComponent InsertCounted(string text, int codePoints) =>
        new(OpComponentKind.Insert, codePoints, text);

    internal static OpComponent DeleteCounted(string text, int codePoints) =>
        new(OpComponentKind.Delete, codePoints, text);

    public bool Equals(OpComponent other) =>
        Kind == other.Kind && Length == other.Length && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is OpComponent other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, Length, Text);

    public static bool operator ==(OpComponent left, OpComponent right) => left.Equals(right);

    public static bool operator !=(OpComponent left, OpComponent right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        OpComponentKind.Skip => Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        OpComponentKind.Insert => System.Text.Json.JsonSerializer.Serialize(Text),
        _ => Text is null
            ? "{\"d\":" + Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}"
            : "{\"d\":" + System.Text.Json.JsonSerializer.Serialize(Text) + "}",
    };
}
