using CollabClient;
using CollabLoad.Options;

namespace CollabLoad.Runs;

/// <summary>Makes sure every document of the run exists (created with a short starting text) before editors join.</summary>
public static class DocumentSeeder
{
    public const string StartingText = "The quick brown fox jumps over the lazy dog. ";

    /// <summary>
    /// Documents seeded over one connection before the next one is opened. A server may limit what one connection
    /// sends at once (CollabHost by default: bursts of 100 ops and 500 messages, then 50 ops/s); a fetch and a create
    /// per document for this many stays inside those bursts, so seeding never waits on, or trips, a rate limit.
    /// </summary>
    public const int DocumentsPerConnection = 40;

    public static async Task SeedAsync(LoadOptions options, IReadOnlyList<string> docIds, CancellationToken ct)
    {
        for (int start = 0; start < docIds.Count; start += DocumentsPerConnection)
        {
            await using CollabConnection connection = await CollabConnection.ConnectAsync(options.Url, new CollabClientOptions { Encoding = options.Encoding }, ct);
            await Task.WhenAll(docIds.Skip(start).Take(DocumentsPerConnection).Select(async id =>
            {
                CollabDocument doc = connection.GetDocument(options.Collection, id);
                await doc.FetchAsync(ct);
                if (doc.Exists) return;
                try
                {
                    await doc.CreateAsync(StartingText);
                }
                catch (ShareDbServerException e) when (e.Code == "ERR_DOC_ALREADY_CREATED")
                {
                    // Another seeder got there first: the document exists, which is all we need.
                }
            }));
        }
    }
}
