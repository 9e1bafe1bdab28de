using CollabClient;
using CollabLoad.Options;

namespace CollabLoad.Runs;

/// <summary>Makes sure every document of the run exists (created with a short starting text) before editors join.</summary>
public static class DocumentSeeder
{
    public const string StartingText = "The quick brown fox jumps over the lazy dog. ";

    public static async Task SeedAsync(LoadOptions options, IReadOnlyList<string> docIds, CancellationToken ct)
    {
        await using CollabConnection connection = await CollabConnection.ConnectAsync(options.Url, new CollabClientOptions { Encoding = options.Encoding }, ct);
        const int batch = 100;
        for (int start = 0; start < docIds.Count; start += batch)
        {
            await Task.WhenAll(docIds.Skip(start).Take(batch).Select(async id =>
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
