using System.Text.Json;
using System.Text.Json.Serialization;
using CollabActors.Protocol;
using CollabActors.Queries;
using CollabActors.Security;
using CollabHost.Queries;
using CollabHost.Security;
using Microsoft.Extensions.Options;

namespace CollabHost;

/// <summary>
/// <c>GET /api/docs/{collection}?q={...}</c>: the documents of a collection that a query (the same subset as
/// <c>qf</c>, docs/queries.md) matches, with ids, versions, types and times, for tools and the demo. No <c>q</c> is
/// <c>{}</c>. A query outside the subset or badly formed is 400, over the cap 400, out of time 503, queries off 404.
/// With <c>Collab:Auth</c> on it needs a token (401 without), and answers only documents the token may read.
/// </summary>
public static class DocumentQueryEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapDocumentQueryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api").RequireAuthorization(CollabAuthentication.Policy).MapGet("/docs/{collection}", QueryAsync);
        return endpoints;
    }

    private static async Task<IResult> QueryAsync(string collection, string? q, HttpRequest request, IOptions<CollabOptions> options,
        IServiceProvider services, CancellationToken cancel)
    {
        if (services.GetService<QueryRunner>() is not { } queries)
            return Results.Problem("Queries are off on this node (Collab:Queries:Enabled).", statusCode: StatusCodes.Status404NotFound);
        IReadOnlyList<DocumentPattern>? readable = null;
        if (options.Value.Auth.Enabled)
        {
            try
            {
                readable = AccessTokenClaims.From(request.HttpContext.User).ToAccess(options.Value.Auth.ClientIdKey()).ReadablePatterns;
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return Results.Problem("The access token's claims are not usable: " + e.Message + ".", statusCode: StatusCodes.Status401Unauthorized);
            }
        }

        JsonDocument query;
        try
        {
            query = JsonDocument.Parse(string.IsNullOrWhiteSpace(q) ? "{}" : q, new JsonDocumentOptions { MaxDepth = WireLimits.MaxDepth });
        }
        catch (JsonException e)
        {
            return Problem(ProtocolErrorCodes.QueryInvalid, "q is not JSON: " + e.Message, StatusCodes.Status400BadRequest);
        }
        using (query)
        {
            try
            {
                QueryResults results = await queries.RunAsync(collection, query.RootElement, readable, cancel);
                return results.Count is { } count
                    ? Results.Json(new { c = collection, count }, Json)
                    : Results.Json(new
                    {
                        c = collection,
                        docs = results.Documents.Select(d => new { d = d.Id, v = d.Snapshot.Version, type = d.Snapshot.Type, ctime = d.CreatedMs, mtime = d.ModifiedMs }),
                    }, Json);
            }
            catch (QueryRejectedException rejected)
            {
                return Problem(rejected.Code, rejected.Message,
                    rejected.Code == ProtocolErrorCodes.QueryUnavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status400BadRequest);
            }
        }
    }

    /// <summary>A problem whose title is the error code the wire would carry.</summary>
    private static IResult Problem(string code, string message, int status) => Results.Problem(message, statusCode: status, title: code);
}
