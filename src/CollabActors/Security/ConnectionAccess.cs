using CollabActors.Documents;

namespace CollabActors.Security;

/// <summary>
/// Who is on one connection and what they may do, taken from their access token at the upgrade (or
/// <see cref="Unrestricted"/> when authentication is off). Write access includes read access.
/// </summary>
public sealed record ConnectionAccess(
    string? Subject,
    string? Name,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<DocumentPattern> Read,
    IReadOnlyList<DocumentPattern> Write,
    ClientIdIssuer ClientIds)
{
    /// <summary>Authentication off (local development): anyone may read and write everything.</summary>
    public static ConnectionAccess Unrestricted { get; } =
        new(null, null, null, [DocumentPattern.Any], [DocumentPattern.Any], ClientIdIssuer.Unbound);

    public bool CanWrite(DocumentId document) => Write.Any(p => p.Matches(document));

    public bool CanRead(DocumentId document) => CanWrite(document) || Read.Any(p => p.Matches(document));

    /// <summary>
    /// The patterns a query's results must match (write access includes read), or null when every document is
    /// readable: a query then needs no condition on ids.
    /// </summary>
    public IReadOnlyList<DocumentPattern>? ReadablePatterns =>
        Read.Contains(DocumentPattern.Any) || Write.Contains(DocumentPattern.Any) ? null : [.. Write, .. Read];

    /// <summary>
    /// A presence channel is readable when it is the channel of a readable document. ShareDB names document channels
    /// "collection.id" and either part may hold dots, so every split counts. Each pattern is matched against every
    /// prefix and every suffix of the channel in one pass each (<see cref="DocumentPattern.PrefixMatches"/>), never
    /// once per dot: a channel of many dots costs time linear in its length, not quadratic.
    /// </summary>
    public bool CanReadChannel(string channel)
    {
        if (channel.IndexOf('.') >= 0)
        {
            foreach (DocumentPattern pattern in Write.Concat(Read))
            {
                if (pattern.MatchesSomeSplit(channel, '.')) return true;
            }
        }
        return Read.Contains(DocumentPattern.Any) || Write.Contains(DocumentPattern.Any);
    }
}
