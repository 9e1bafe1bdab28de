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
    /// A presence channel is readable when it is the channel of a readable document. ShareDB names document channels
    /// "collection.id" and either part may hold dots, so every split is tried.
    /// </summary>
    public bool CanReadChannel(string channel)
    {
        for (int dot = channel.IndexOf('.'); dot >= 0; dot = channel.IndexOf('.', dot + 1))
        {
            if (CanRead(new DocumentId(channel[..dot], channel[(dot + 1)..]))) return true;
        }
        return Read.Contains(DocumentPattern.Any) || Write.Contains(DocumentPattern.Any);
    }
}
