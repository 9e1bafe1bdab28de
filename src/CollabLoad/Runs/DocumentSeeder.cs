using CollabClient;
using CollabLoad.Options;

namespace CollabLoad.Runs;

/// <summary>Makes sure every document of the run exists (created with a short starting text) before editors join.</summary>
public static class DocumentSeeder
{
    public const string StartingText = "The quick brown fox jumps over the lazy dog. ";

    /// <summary>
    /// Documents seeded over one connection before the next one is opened. A server may limit what one connection
    /// sends at once (CollabHost by default: bursts of 100 ops, 600 messages and 30 creates); a fetch and a create per
    /// document for this many stays inside those bursts.
    /// </summary>
    public const int DocumentsPerConnection = 25;

    /// <summary>
    /// How long to wait before creating again when the server refused a create for its rate (CollabHost also bounds
    /// the creates of one address across its connections, 30 a second by default), and how many times.
    /// </summary>
    public static readonly TimeSpan RateLimitedRetryDelay = TimeSpan.FromSeconds(1);
    public const int RateLimitedRetries = 60;

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
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        await doc.CreateAsync(StartingText);
                        return;
                    }
                    catch (ShareDbServerException e) when (e.Code == "ERR_DOC_ALREADY_CREATED")
                    {
                        // Another seeder got there first: the document exists, which is all we need.
                        return;
                    }
                    catch (ShareDbServerException e) when (e.Code == "ERR_RATE_LIMITED" && attempt < RateLimitedRetries)
                    {
                        // Over the server's create budget: nothing was created. Slow down, and load the document
                        // again (the refusal rolled the create back) before trying again.
                        await Task.Delay(RateLimitedRetryDelay, ct);
                        await doc.FetchAsync(ct);
                        if (doc.Exists) return;
                    }
                }
            }));
        }
    }
}
