namespace CollabActors.Protocol;

/// <summary>
/// The documents a bulk request (bf/bs/bu) names in <c>b</c>: either a list of ids (fetch or subscribe from the
/// latest snapshot) or a map of id to the version the client has (send the ops since then).
/// </summary>
public sealed record BulkSelection(IReadOnlyList<string> Ids, IReadOnlyDictionary<string, long>? Versions)
{
    public static BulkSelection OfIds(IReadOnlyList<string> ids) => new(ids, null);

    public static BulkSelection OfVersions(IReadOnlyDictionary<string, long> versions) =>
        new(versions.Keys.ToArray(), versions);

    /// <summary>The version the client has for <paramref name="id"/>, or null when it asked for a snapshot.</summary>
    public long? VersionOf(string id) => Versions is not null && Versions.TryGetValue(id, out long v) ? v : null;
}
