using Akka.Actor;
using Akka.Hosting;
using CollabActors.Documents;
using CollabActors.Protocol;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Buffers;
using CollabText.Types;
using CollabHost.Security;
using Microsoft.Extensions.Options;

namespace CollabHost;

/// <summary>
/// The history API, read-only JSON over HTTP: <c>GET /api/docs/{collection}/{id}</c> (the current snapshot) and
/// <c>GET /api/docs/{collection}/{id}/ops?from=&amp;to=</c> (committed ops, from the journal when they are older than
/// the document's in-memory log). Unknown documents are 404, bad ranges 400. With <c>Collab:Auth</c> on, a request
/// needs an access token (as for <c>/ws</c>: <c>Authorization: Bearer</c> or <c>?token=</c>) that may read the
/// document: 401 without a valid one, 403 when it may not read this document.
/// </summary>
public static class DocumentApiEndpoints
{
    /// <summary>How long a request waits for the document (which may first recover from the journal).</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapDocumentApiEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api").RequireAuthorization(CollabAuthentication.Policy);
        api.MapGet("/docs/{collection}/{id}", GetSnapshotAsync);
        api.MapGet("/docs/{collection}/{id}/ops", GetOpsAsync);
        api.MapGet("/docs/{collection}/{id}/node", GetNodeAsync);
        return endpoints;
    }

    private static async Task<IResult> GetSnapshotAsync(
        string collection, string id, HttpRequest request, IOptions<CollabOptions> options,
        IRequiredActor<DocumentRegion> documents, CancellationToken cancel)
    {
        var document = new DocumentId(collection, id);
        if (Refusal(request, options.Value.Auth, document) is { } refused) return refused;
        IActorRef region = await documents.GetAsync(cancel);
        object reply = await region.Ask<object>(
            replyTo => new DocumentCommands.FetchSnapshotAtVersion(document, 0, replyTo, null), AskTimeout, cancel);
        return reply switch
        {
            DocumentReplies.SnapshotAt { Snapshot.Version: 0 } => NotFound(document),
            DocumentReplies.SnapshotAt at => Results.Json(SnapshotJson.From(collection, id, at.Snapshot), Json),
            DocumentReplies.Rejected rejected => Results.Problem(rejected.Error.Message, statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} from {document}."),
        };
    }

    /// <summary>
    /// Which node hosts the document now (its cluster address), starting it there if it was not loaded: for operators
    /// and for the cluster tests, which kill the node that hosts a document.
    /// </summary>
    private static async Task<IResult> GetNodeAsync(
        string collection, string id, HttpRequest request, IOptions<CollabOptions> options,
        IRequiredActor<DocumentRegion> documents, CancellationToken cancel)
    {
        var document = new DocumentId(collection, id);
        if (Refusal(request, options.Value.Auth, document) is { } refused) return refused;
        IActorRef region = await documents.GetAsync(cancel);
        var status = await region.Ask<DocumentReplies.DocumentStatus>(new DocumentCommands.GetStatus(document), AskTimeout, cancel);
        return Results.Json(new { collection, id, node = status.Node, version = status.Version, subscribers = status.Subscribers }, Json);
    }

    private static async Task<IResult> GetOpsAsync(
        string collection, string id, long? from, long? to, HttpRequest request, IOptions<CollabOptions> options,
        IRequiredActor<DocumentRegion> documents, CancellationToken cancel)
    {
        var document = new DocumentId(collection, id);
        if (Refusal(request, options.Value.Auth, document) is { } refused) return refused;
        if (from is < 0 || to is < 0 || (from is { } f && to is { } t && t < f))
            return Results.Problem($"Bad range from={from} to={to}: need 0 <= from <= to.", statusCode: StatusCodes.Status400BadRequest);
        IActorRef region = await documents.GetAsync(cancel);
        // The version first: an unknown document is 404 whatever the range.
        var current = await region.Ask<object>(
            replyTo => new DocumentCommands.FetchSnapshotAtVersion(document, 0, replyTo, null), AskTimeout, cancel);
        if (current is DocumentReplies.SnapshotAt { Snapshot.Version: 0 }) return NotFound(document);
        object reply = await region.Ask<object>(
            replyTo => new DocumentCommands.FetchOps(document, 0, replyTo, from ?? 0, to), AskTimeout, cancel);
        return reply switch
        {
            DocumentReplies.Fetched fetched => Results.Json(fetched.Ops.Select(OpJson.From).ToArray(), Json),
            DocumentReplies.Rejected { Error.Code: ProtocolErrorCodes.MessageBadlyFormed } rejected =>
                Results.Problem(rejected.Error.Message, statusCode: StatusCodes.Status400BadRequest),
            DocumentReplies.Rejected rejected => Results.Problem(rejected.Error.Message, statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name} from {document}."),
        };
    }

    /// <summary>
    /// Null when the request may read the document, else 403. A request without a valid token never gets here: the
    /// <see cref="CollabAuthentication.Policy"/> policy answers it with 401.
    /// </summary>
    private static IResult? Refusal(HttpRequest request, AuthOptions auth, DocumentId document)
    {
        if (!auth.Enabled) return null;
        AccessTokenClaims claims;
        try
        {
            claims = AccessTokenClaims.From(request.HttpContext.User);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return Results.Problem("The access token's claims are not usable: " + e.Message + ".", statusCode: StatusCodes.Status401Unauthorized);
        }
        return claims.ToAccess(auth.ClientIdKey()).CanRead(document)
            ? null
            : Results.Problem($"This token may not read {document}.", statusCode: StatusCodes.Status403Forbidden);
    }

    private static IResult NotFound(DocumentId document) =>
        Results.Problem($"Document {document} does not exist.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>
    /// A snapshot as ShareDB shapes it (<c>v</c>, <c>type</c>, <c>data</c>), with its collection and id; the data as
    /// the wire has it (a string for text-unicode, any JSON for json0, a Delta <c>{ops}</c> for rich-text).
    /// </summary>
    private sealed record SnapshotJson(string C, string D, long V, string? Type, JsonElement? Data)
    {
        public static SnapshotJson From(string collection, string id, WireSnapshot snapshot) =>
            new(collection, id, snapshot.Version, snapshot.Type, snapshot.Type is { } type ? DataOf(type, snapshot.Data ?? "") : null);

        private static JsonElement DataOf(string type, string stored)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer)) OtTypes.Get(type).WriteStoredData(writer, stored);
            return JsonSerializer.Deserialize<JsonElement>(buffer.WrittenSpan);
        }
    }

    /// <summary>One op as ShareDB's op list has it: <c>v</c>, <c>src</c>, <c>seq</c>, <c>m.ts</c> and op | create | del.</summary>
    private sealed record OpJson(long V, string Src, long Seq, OpMetadataJson M, JsonElement? Op, CreateJson? Create, bool? Del)
    {
        public static OpJson From(CommittedOp op) => op.Change switch
        {
            EditChange edit => new(op.Version, op.Src, op.Seq, new(op.TimestampMs), JsonSerializer.Deserialize<JsonElement>(edit.Op.ToJson()), null, null),
            CreateChange create => new(op.Version, op.Src, op.Seq, new(op.TimestampMs), null, new(create.Type, create.Data?.ToElement()), null),
            _ => new(op.Version, op.Src, op.Seq, new(op.TimestampMs), null, null, true),
        };
    }

    private sealed record OpMetadataJson(long Ts);

    private sealed record CreateJson(string Type, JsonElement? Data);
}
