namespace CollabText.Types;

/// <summary>
/// The types documents may have, found by name or URI as ShareDB's type map finds them (<c>json0</c> or
/// <c>http://sharejs.org/types/JSONv0</c>, and so on). json0 is the default type the handshake names.
/// </summary>
public static class OtTypes
{
    public static OtType Json0 => Json0OtType.Instance;

    public static OtType RichText => RichTextOtType.Instance;

    public static OtType TextUnicode => TextUnicodeOtType.Instance;

    /// <summary>The default type (ShareDB's <c>types.defaultType</c>): snapshots of its documents leave out <c>type</c>.</summary>
    public static OtType Default => Json0;

    public static IReadOnlyList<OtType> All { get; } = [Json0, RichText, TextUnicode];

    private static readonly Dictionary<string, OtType> ByNameOrUri = All
        .SelectMany(t => new[] { (t.Name, t), (t.Uri, t) })
        .ToDictionary(pair => pair.Item1, pair => pair.t, StringComparer.Ordinal);

    /// <summary>The type with this name or URI, or null when there is none.</summary>
    public static OtType? Find(string nameOrUri) => ByNameOrUri.GetValueOrDefault(nameOrUri);

    /// <summary>The type with this URI or name; throws <see cref="KeyNotFoundException"/> when there is none (stored data names only known types).</summary>
    public static OtType Get(string nameOrUri) =>
        Find(nameOrUri) ?? throw new KeyNotFoundException($"No document type '{nameOrUri}'; known: {string.Join(", ", All.Select(t => t.Uri))}.");
}
