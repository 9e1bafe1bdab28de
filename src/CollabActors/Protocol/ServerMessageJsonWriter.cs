using System.Text.Json;
using CollabText.Types;

namespace CollabActors.Protocol;

/// <summary>
/// Writes a <see cref="ServerMessage"/> as the JSON object ShareDB 7's agent sends for it (same keys, same optional
/// fields left out). The MessagePack encoding is this same object, transcoded.
/// </summary>
internal static class ServerMessageJsonWriter
{
    public static void Write(Utf8JsonWriter w, ServerMessage message)
    {
        w.WriteStartObject();
        switch (message)
        {
            case HandshakeReply hs:
                w.WriteString("a", hs.Action);
                w.WriteNumber("protocol", HandshakeReply.ProtocolMajor);
                w.WriteNumber("protocolMinor", HandshakeReply.ProtocolMinor);
                w.WriteString("id", hs.ClientId);
                w.WriteString("type", HandshakeReply.DefaultTypeUri);
                break;
            case FetchReply f:
                WriteDocumentReply(w, f.Action, f.Collection, f.DocumentId, f.Snapshot);
                break;
            case SubscribeReply s:
                WriteDocumentReply(w, s.Action, s.Collection, s.DocumentId, s.Snapshot);
                break;
            case UnsubscribeReply u:
                WriteDocumentReply(w, u.Action, u.Collection, u.DocumentId, null);
                break;
            case BulkReply b:
                w.WriteString("a", b.Action);
                w.WriteString("c", b.Collection);
                if (b.Data is not null)
                {
                    w.WriteStartObject("data");
                    foreach (var (id, result) in b.Data)
                    {
                        w.WritePropertyName(id);
                        if (result.Error is not null)
                        {
                            w.WriteStartObject();
                            WriteError(w, result.Error);
                            w.WriteEndObject();
                        }
                        else
                        {
                            WriteSnapshot(w, result.Snapshot!);
                        }
                    }
                    w.WriteEndObject();
                }
                else if (b.Documents is not null)
                {
                    WriteBulkSelection(w, b.Documents);
                }
                break;
            case OpAck ack:
                w.WriteString("a", ack.Action);
                w.WriteString("c", ack.Collection);
                w.WriteString("d", ack.DocumentId);
                w.WriteString("src", ack.Src);
                w.WriteNumber("seq", ack.Seq);
                w.WriteNumber("v", ack.Version);
                break;
            case OpMessage op:
                w.WriteString("a", op.Action);
                w.WriteString("c", op.Collection);
                w.WriteString("d", op.DocumentId);
                w.WriteNumber("v", op.Version);
                w.WriteString("src", op.Src);
                w.WriteNumber("seq", op.Seq);
                WriteChange(w, op.Change);
                break;
            case SnapshotReply n:
                w.WriteString("a", n.Action);
                w.WriteNumber("id", n.RequestId);
                w.WriteNumber("v", n.Snapshot.Version);
                WriteNullableString(w, "type", n.Snapshot.Type);
                if (n.Snapshot.Type is { } typeUri)
                {
                    w.WritePropertyName("data");
                    OtTypes.Get(typeUri).WriteStoredData(w, n.Snapshot.Data ?? "");
                }
                break;
            case PresenceMessage p:
                w.WriteString("a", p.Action);
                w.WriteString("ch", p.Channel);
                w.WriteString("src", p.Src);
                w.WriteString("id", p.PresenceId);
                w.WritePropertyName("p");
                if (p.Value is { } value) value.WriteTo(w);
                else w.WriteNullValue();
                w.WriteNumber("pv", p.PresenceVersion);
                if (p.Collection is not null) w.WriteString("c", p.Collection);
                if (p.DocumentId is not null) w.WriteString("d", p.DocumentId);
                if (p.Version is not null) w.WriteNumber("v", p.Version.Value);
                if (p.Type is not null) w.WriteString("t", p.Type);
                break;
            case PresenceSubscriptionReply ps:
                w.WriteString("a", ps.Action);
                w.WriteString("ch", ps.Channel);
                w.WriteNumber("seq", ps.Seq);
                break;
            case PresenceRequestMessage pr:
                w.WriteString("a", pr.Action);
                if (pr.Channel is not null) w.WriteString("ch", pr.Channel);
                break;
            case QueryFetchReply qf:
                WriteQueryResults(w, qf.Action, qf.QueryId, qf.Results);
                break;
            case QuerySubscribeReply qs:
                WriteQueryResults(w, qs.Action, qs.QueryId, qs.Results);
                break;
            case QueryUpdate q:
                w.WriteString("a", q.Action);
                w.WriteNumber("id", q.QueryId);
                if (q.Diff.Count > 0)
                {
                    w.WriteStartArray("diff");
                    foreach (Queries.ResultsChange change in q.Diff) WriteResultsChange(w, change);
                    w.WriteEndArray();
                }
                if (q.CountChanged)
                {
                    if (q.Count is { } extra) w.WriteNumber("extra", extra);
                    else w.WriteNull("extra");
                }
                break;
            case QueryUnsubscribeReply qu:
                w.WriteString("a", qu.Action);
                w.WriteNumber("id", qu.QueryId);
                break;
            case PongReply pong:
                w.WriteString("a", pong.Action);
                break;
            case ErrorReply e:
                WriteEcho(w, e.Request);
                WriteError(w, e.Error);
                break;
            default:
                throw new ArgumentException($"No wire form for {message.GetType().Name}.", nameof(message));
        }
        w.WriteEndObject();
    }

    private static void WriteDocumentReply(Utf8JsonWriter w, string action, string collection, string documentId,
        WireSnapshot? snapshot)
    {
        w.WriteString("a", action);
        w.WriteString("c", collection);
        w.WriteString("d", documentId);
        if (snapshot is null) return;
        w.WritePropertyName("data");
        WriteSnapshot(w, snapshot);
    }

    /// <param name="documentId">Written as <c>d</c> after the snapshot's fields, as a query result has it.</param>
    private static void WriteQueryResults(Utf8JsonWriter w, string action, long queryId, Queries.QueryResults results)
    {
        w.WriteString("a", action);
        w.WriteNumber("id", queryId);
        w.WriteStartArray("data");
        foreach (Queries.QueriedDocument document in results.Documents)
        {
            WriteSnapshot(w, document.Snapshot, document.Id);
        }
        w.WriteEndArray();
        if (results.Count is { } count) w.WriteNumber("extra", count);
    }

    private static void WriteResultsChange(Utf8JsonWriter w, Queries.ResultsChange change)
    {
        w.WriteStartObject();
        switch (change)
        {
            case Queries.ResultsChange.Insert insert:
                w.WriteString("type", "insert");
                w.WriteNumber("index", insert.Index);
                w.WriteStartArray("values");
                foreach (Queries.QueriedDocument document in insert.Documents) WriteSnapshot(w, document.Snapshot, document.Id);
                w.WriteEndArray();
                break;
            case Queries.ResultsChange.Remove remove:
                w.WriteString("type", "remove");
                w.WriteNumber("index", remove.Index);
                w.WriteNumber("howMany", remove.HowMany);
                break;
            case Queries.ResultsChange.Move move:
                w.WriteString("type", "move");
                w.WriteNumber("from", move.From);
                w.WriteNumber("to", move.To);
                w.WriteNumber("howMany", move.HowMany);
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteSnapshot(Utf8JsonWriter w, WireSnapshot snapshot, string? documentId = null)
    {
        w.WriteStartObject();
        w.WriteNumber("v", snapshot.Version);
        if (snapshot.Type is { } typeUri)
        {
            OtType type = OtTypes.Get(typeUri);
            w.WritePropertyName("data");
            type.WriteStoredData(w, snapshot.Data ?? "");
            // As ShareDB's getSnapshotData: the default type (json0) goes without a type, the client assumes it.
            if (type != OtTypes.Default) w.WriteString("type", typeUri);
        }
        else
        {
            w.WriteNull("type");
        }
        if (documentId is not null) w.WriteString("d", documentId);
        w.WriteEndObject();
    }

    private static void WriteChange(Utf8JsonWriter w, OpChange change)
    {
        switch (change)
        {
            case EditChange edit:
                w.WritePropertyName("op");
                edit.Op.WriteTo(w);
                break;
            case CreateChange create:
                w.WriteStartObject("create");
                w.WriteString("type", create.Type);
                if (create.Data is { } data)
                {
                    w.WritePropertyName("data");
                    data.WriteTo(w);
                }
                w.WriteEndObject();
                break;
            case DeleteChange:
                w.WriteBoolean("del", true);
                break;
        }
    }

    private static void WriteEcho(Utf8JsonWriter w, RequestEcho echo)
    {
        if (echo.Action is not null) w.WriteString("a", echo.Action);
        if (echo.Collection is not null) w.WriteString("c", echo.Collection);
        if (echo.DocumentId is not null) w.WriteString("d", echo.DocumentId);
        if (echo.Id is not null) w.WriteString("id", echo.Id);
        else if (echo.RequestId is not null) w.WriteNumber("id", echo.RequestId.Value);
        if (echo.Channel is not null) w.WriteString("ch", echo.Channel);
        if (echo.Src is not null) w.WriteString("src", echo.Src);
        if (echo.Seq is not null) w.WriteNumber("seq", echo.Seq.Value);
        if (echo.Version is not null) w.WriteNumber("v", echo.Version.Value);
        if (echo.PresenceVersion is not null) w.WriteNumber("pv", echo.PresenceVersion.Value);
        if (echo.Bulk is not null) WriteBulkSelection(w, echo.Bulk);
    }

    private static void WriteBulkSelection(Utf8JsonWriter w, BulkSelection bulk)
    {
        if (bulk.Versions is null)
        {
            w.WriteStartArray("b");
            foreach (string id in bulk.Ids) w.WriteStringValue(id);
            w.WriteEndArray();
            return;
        }
        w.WriteStartObject("b");
        foreach (string id in bulk.Ids)
        {
            if (bulk.Versions.TryGetValue(id, out long v)) w.WriteNumber(id, v);
            else w.WriteNull(id);
        }
        w.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter w, ProtocolError error)
    {
        w.WriteStartObject("error");
        w.WriteString("code", error.Code);
        w.WriteString("message", error.Message);
        w.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }
}
