using System.Runtime.InteropServices;
using System.Text.Json;
using CollabText.Types;

namespace CollabActors.Protocol;

/// <summary>
/// Reads one request from its JSON tree, strictly: the action must be known and every field the action needs must be
/// present with the right type, else the result is an <see cref="UnreadableMessage"/> naming the field. Fields the
/// server does not use (such as the op's <c>x</c>) are ignored, as ShareDB ignores them. Both encodings end here:
/// MessagePack frames are first transcoded to the same tree.
/// </summary>
internal static class ClientMessageReader
{
    // JavaScript's Number.MAX_SAFE_INTEGER: ShareDB refuses a seq at or past it, since the client cannot count further.
    private const long MaxSafeInteger = 9007199254740991;

    public static ClientMessage Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Unreadable(default, ProtocolErrorCodes.MessageBadlyFormed, $"A message must be a JSON object, not {Describe(root)}.");
        try
        {
            return ReadAction(root);
        }
        catch (MalformedRequestException e)
        {
            return Unreadable(root, e.Code, e.Message);
        }
    }

    /// <summary>Refuses a whole message for <paramref name="message"/>, echoing what routing fields can safely be read.</summary>
    public static UnreadableMessage Refuse(JsonElement root, string code, string message) => Unreadable(root, code, message);

    private static ClientMessage ReadAction(JsonElement m)
    {
        if (!m.TryGetProperty("a", out JsonElement a))
            throw Malformed("Field 'a' (the action) is missing.");
        if (a.ValueKind != JsonValueKind.String)
            throw Malformed($"Field 'a' (the action) must be a string, not {Describe(a)}.");
        string action = a.GetString()!;
        switch (action)
        {
            case MessageActions.Handshake:
                return new HandshakeRequest(
                    OptionalString(m, "id", "previous client id"),
                    OptionalProtocolNumber(m, "protocol"),
                    OptionalProtocolNumber(m, "protocolMinor"));
            case MessageActions.Fetch:
                return new FetchRequest(Collection(m), DocumentId(m), OptionalVersion(m, "v"));
            case MessageActions.Subscribe:
                return new SubscribeRequest(Collection(m), DocumentId(m), OptionalVersion(m, "v"));
            case MessageActions.Unsubscribe:
                return new UnsubscribeRequest(Collection(m), DocumentId(m));
            case MessageActions.BulkFetch:
                return new BulkFetchRequest(Collection(m), Bulk(m));
            case MessageActions.BulkSubscribe:
                return new BulkSubscribeRequest(Collection(m), Bulk(m));
            case MessageActions.BulkUnsubscribe:
                return new BulkUnsubscribeRequest(Collection(m), Bulk(m));
            case MessageActions.Op:
                return Submit(m);
            case MessageActions.SnapshotFetch:
                return new SnapshotAtVersionRequest(
                    RequiredInteger(m, "id", "request id"), Collection(m), DocumentId(m), OptionalVersion(m, "v"));
            case MessageActions.SnapshotFetchByTimestamp:
                return new SnapshotAtTimeRequest(
                    RequiredInteger(m, "id", "request id"), Collection(m), DocumentId(m), OptionalVersion(m, "ts"));
            case MessageActions.Presence:
                return Presence(m);
            case MessageActions.PresenceSubscribe:
                return new PresenceSubscribeRequest(Channel(m), RequiredInteger(m, "seq", "subscription seq"));
            case MessageActions.PresenceUnsubscribe:
                return new PresenceUnsubscribeRequest(Channel(m), RequiredInteger(m, "seq", "subscription seq"));
            case MessageActions.PresenceRequest:
                return new PresenceRequest(Channel(m));
            case MessageActions.PingPong:
                return PingRequest.Instance;
            case MessageActions.QueryFetch:
            case MessageActions.QuerySubscribe:
            case MessageActions.QueryUnsubscribe:
                return new QueryRequest(action, RequiredInteger(m, "id", "query id"), OptionalName(m, "c", "collection"),
                    m.TryGetProperty("q", out JsonElement q) && q.ValueKind != JsonValueKind.Null ? JsonText.From(q) : null,
                    action == MessageActions.QuerySubscribe ? KnownResults(m) : null);
            default:
                throw Malformed($"Unknown action '{Truncate(action)}'.");
        }
    }

    private static SubmitRequest Submit(JsonElement m)
    {
        string collection = Collection(m);
        string documentId = DocumentId(m);
        // The client sends v: null when it creates a document it never fetched; the document then uses its own version.
        long? version = OptionalVersion(m, "v");
        long seq = RequiredInteger(m, "seq", "op sequence number");
        if (seq >= MaxSafeInteger)
            throw new MalformedRequestException(ProtocolErrorCodes.ConnectionSeqIntegerOverflow,
                "Connection seq has exceeded the max safe integer.");
        string? src = OptionalString(m, "src", "op source");

        bool hasOp = m.TryGetProperty("op", out JsonElement op);
        bool hasCreate = m.TryGetProperty("create", out JsonElement create) && create.ValueKind != JsonValueKind.Null;
        bool hasDelete = m.TryGetProperty("del", out JsonElement del) && del.ValueKind != JsonValueKind.Null;
        int kinds = (hasOp ? 1 : 0) + (hasCreate ? 1 : 0) + (hasDelete ? 1 : 0);
        if (kinds == 0) throw Malformed("An op message needs one of 'op', 'create' or 'del'.");
        if (kinds > 1) throw Malformed("An op message carries exactly one of 'op', 'create' or 'del'.");

        OpChange change;
        if (hasOp) change = Op(op);
        else if (hasCreate) change = Create(create);
        else if (del.ValueKind == JsonValueKind.True) change = DeleteChange.Instance;
        else throw BadOp($"Field 'del' must be true, not {Describe(del)}.");
        return new SubmitRequest(collection, documentId, version, src, seq, change);
    }

    // The wire does not say which type an op is for; the document's type reads it (ShareDB's ot.apply).
    private static EditChange Op(JsonElement op) => new(new UnreadOp(op));

    private static CreateChange Create(JsonElement create)
    {
        // ShareDB's checkOp refuses these with ERR_OT_OP_BADLY_FORMED (the message is well formed, the op is not).
        if (create.ValueKind != JsonValueKind.Object)
            throw BadOp($"Field 'create' must be an object {{type, data}}, not {Describe(create)}.");
        if (!create.TryGetProperty("type", out JsonElement typeField) || typeField.ValueKind != JsonValueKind.String)
            throw BadOp("Field 'create.type' (the document type) must be a type name or URI.");
        string type = typeField.GetString()!;
        // Absent and null are the same to the types: create(undefined) and create(null) make the empty document.
        if (!create.TryGetProperty("data", out JsonElement data) || data.ValueKind == JsonValueKind.Null)
            return new CreateChange(type, (JsonText?)null);
        return new CreateChange(type, JsonText.From(data));
    }

    private static PresenceUpdate Presence(JsonElement m)
    {
        string channel = Channel(m);
        // A presence id is kept with its value until the connection ends and relayed to every subscriber: a name too.
        string presenceId = Bounded(RequiredString(m, "id", "presence id"), "id", "presence id", WireLimits.MaxNameLength);
        long presenceVersion = RequiredInteger(m, "pv", "presence version");
        JsonElement? value = m.TryGetProperty("p", out JsonElement p) && p.ValueKind != JsonValueKind.Null
            ? p.Clone()
            : null;
        return new PresenceUpdate(channel, presenceId, value, presenceVersion,
            OptionalName(m, "c", "collection"), OptionalName(m, "d", "document id"), OptionalVersion(m, "v"),
            OptionalString(m, "t", "type"));
    }

    private static BulkSelection Bulk(JsonElement m)
    {
        if (!m.TryGetProperty("b", out JsonElement b))
            throw Malformed("Field 'b' (the documents of a bulk request) is missing.");
        if (b.ValueKind == JsonValueKind.Array)
        {
            var ids = new List<string>(b.GetArrayLength());
            foreach (JsonElement id in b.EnumerateArray())
            {
                if (id.ValueKind != JsonValueKind.String)
                    throw Malformed($"Field 'b' must list document ids as strings; found {Describe(id)}.");
                ids.Add(Bounded(id.GetString()!, "b", "document id", WireLimits.MaxNameLength));
            }
            return BulkSelection.OfIds(ids);
        }
        if (b.ValueKind == JsonValueKind.Object)
        {
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            var ids = new List<string>();
            foreach (JsonProperty entry in b.EnumerateObject())
            {
                ids.Add(Bounded(entry.Name, "b", "document id", WireLimits.MaxNameLength));
                if (entry.Value.ValueKind == JsonValueKind.Null) continue;
                versions[entry.Name] = AsVersion(entry.Value, $"b.{Truncate(entry.Name)}");
            }
            return new BulkSelection(ids, versions);
        }
        throw Malformed($"Field 'b' must be an array of ids or an object of id to version, not {Describe(b)}.");
    }

    /// <summary>
    /// <c>r</c> of a <c>qs</c> the stock client sends again after a reconnect: <c>[[id, version or null], ...]</c>, the
    /// results it has and the versions it has them at.
    /// </summary>
    private static IReadOnlyDictionary<string, long>? KnownResults(JsonElement m)
    {
        if (!m.TryGetProperty("r", out JsonElement r) || r.ValueKind == JsonValueKind.Null) return null;
        if (r.ValueKind != JsonValueKind.Array) throw Malformed($"Field 'r' (the results the client has) must be an array, not {Describe(r)}.");
        var known = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (JsonElement entry in r.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[0].ValueKind != JsonValueKind.String)
                throw Malformed($"Field 'r' must list [id, version] pairs; found {Describe(entry)}.");
            string id = Bounded(entry[0].GetString()!, "r", "document id", WireLimits.MaxNameLength);
            if (entry[1].ValueKind != JsonValueKind.Null) known[id] = AsVersion(entry[1], "r");
        }
        return known;
    }

    private static string Collection(JsonElement m) =>
        Bounded(RequiredString(m, "c", "collection"), "c", "collection", WireLimits.MaxNameLength);

    private static string DocumentId(JsonElement m) =>
        Bounded(RequiredString(m, "d", "document id"), "d", "document id", WireLimits.MaxNameLength);

    private static string Channel(JsonElement m) =>
        Bounded(RequiredString(m, "ch", "presence channel"), "ch", "presence channel", WireLimits.MaxChannelLength);

    private static string? OptionalName(JsonElement m, string field, string meaning) =>
        OptionalString(m, field, meaning) is { } name ? Bounded(name, field, meaning, WireLimits.MaxNameLength) : null;

    // Names are kept in memory per document and channel and written with every op; a client must not pick their size.
    private static string Bounded(string name, string field, string meaning, int limit) =>
        name.Length <= limit
            ? name
            : throw new MalformedRequestException(ProtocolErrorCodes.NameTooLong,
                $"Field '{field}' ({meaning}) is {name.Length} characters long; at most {limit} are allowed.");

    private static string RequiredString(JsonElement m, string field, string meaning)
    {
        if (!m.TryGetProperty(field, out JsonElement value))
            throw Malformed($"Field '{field}' ({meaning}) is missing.");
        if (value.ValueKind != JsonValueKind.String)
            throw Malformed($"Field '{field}' ({meaning}) must be a string, not {Describe(value)}.");
        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement m, string field, string meaning)
    {
        if (!m.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String)
            throw Malformed($"Field '{field}' ({meaning}) must be a string or null, not {Describe(value)}.");
        return value.GetString();
    }

    private static long RequiredInteger(JsonElement m, string field, string meaning)
    {
        if (!m.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
            throw Malformed($"Field '{field}' ({meaning}) is missing.");
        return AsVersion(value, field);
    }

    private static long? OptionalVersion(JsonElement m, string field)
    {
        if (!m.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null) return null;
        return AsVersion(value, field);
    }

    private static long AsVersion(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < 0)
            throw Malformed($"Field '{field}' must be a non-negative whole number, not {Describe(value)}.");
        return number;
    }

    // ShareDB accepts a number or a string here and only records it; we keep the number when there is one.
    private static long? OptionalProtocolNumber(JsonElement m, string field)
    {
        if (!m.TryGetProperty(field, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.String => null,
            JsonValueKind.Number when value.TryGetInt64(out long n) => n,
            _ => throw Malformed($"Field '{field}' must be a number or a string, not {Describe(value)}."),
        };
    }

    private static UnreadableMessage Unreadable(JsonElement root, string code, string message) =>
        new(LenientEcho(root), new ProtocolError(code, message));

    /// <summary>The routing fields that could be read from a message that failed, so its error reaches the right place.</summary>
    private static RequestEcho LenientEcho(JsonElement m)
    {
        if (m.ValueKind != JsonValueKind.Object) return new RequestEcho(null);
        string? id = null;
        long? requestId = null;
        if (m.TryGetProperty("id", out JsonElement idValue))
        {
            if (idValue.ValueKind == JsonValueKind.String) id = SafeString(idValue);
            else if (idValue.ValueKind == JsonValueKind.Number && idValue.TryGetInt64(out long n)) requestId = n;
        }
        BulkSelection? bulk = null;
        try
        {
            if (m.TryGetProperty("b", out JsonElement b) && !LoneSurrogates.InJsonText(JsonMarshal.GetRawUtf8Value(b))) bulk = Bulk(m);
        }
        catch (MalformedRequestException)
        {
            // A bad 'b' is echoed as absent; the error message already names it.
        }
        return new RequestEcho(
            LenientString(m, "a"), LenientString(m, "c"), LenientString(m, "d"), id, requestId, LenientString(m, "ch"),
            LenientInteger(m, "seq"), LenientInteger(m, "v"), LenientInteger(m, "pv"), LenientString(m, "src"), bulk);
    }

    private static string? LenientString(JsonElement m, string field) =>
        m.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.String ? SafeString(v) : null;

    // A string holding a lone surrogate cannot be read (GetString throws) nor echoed; it is echoed as absent.
    private static string? SafeString(JsonElement v) =>
        LoneSurrogates.InJsonText(JsonMarshal.GetRawUtf8Value(v)) ? null : v.GetString();

    private static long? LenientInteger(JsonElement m, string field) =>
        m.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n)
            ? n
            : null;

    private static MalformedRequestException BadOp(string message) => new(ProtocolErrorCodes.OpBadlyFormed, message);

    private static MalformedRequestException Malformed(string message) =>
        new(ProtocolErrorCodes.MessageBadlyFormed, message);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {Truncate(value.GetRawText())}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // Error messages quote client input; keep what they quote short.
    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
