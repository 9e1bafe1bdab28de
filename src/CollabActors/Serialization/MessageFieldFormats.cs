using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;
using MessagePack;

namespace CollabActors.Serialization;

/// <summary>
/// MessagePack layouts of the values that messages between nodes are made of: actor references (as their serialized
/// path, resolved on the receiving node), document ids, op changes, wire snapshots, presence values and errors.
/// </summary>
public sealed class MessageFieldFormats(ExtendedActorSystem system)
{
    /// <summary>A reference as a full path with this node's address, so a reply from another node finds its way back.</summary>
    public static void WriteRef(ref MessagePackWriter writer, IActorRef actor) =>
        writer.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));

    public IActorRef ReadRef(ref MessagePackReader reader) =>
        system.Provider.ResolveActorRef(ReadString(ref reader, "actor"));

    /// <summary>Two fields, collection and id.</summary>
    public static void WriteDocument(ref MessagePackWriter writer, DocumentId document)
    {
        writer.Write(document.Collection);
        writer.Write(document.Id);
    }

    public static DocumentId ReadDocument(ref MessagePackReader reader) =>
        new(ReadString(ref reader, "collection"), ReadString(ref reader, "id"));

    /// <summary><c>[kind, ...]</c>, as in a journal row (<see cref="DocumentFormats"/>).</summary>
    public static void WriteChange(ref MessagePackWriter writer, OpChange change)
    {
        writer.WriteArrayHeader(1 + DocumentFormats.FieldsOf(change));
        DocumentFormats.WriteChangeBody(ref writer, change);
    }

    public static OpChange ReadChange(ref MessagePackReader reader) =>
        DocumentFormats.ReadChangeBody(ref reader, reader.ReadArrayHeader());

    public static void WriteOps(ref MessagePackWriter writer, IReadOnlyList<CommittedOp> ops)
    {
        writer.WriteArrayHeader(ops.Count);
        foreach (CommittedOp op in ops) DocumentFormats.Write(ref writer, op);
    }

    public static CommittedOp[] ReadOps(ref MessagePackReader reader)
    {
        var ops = new CommittedOp[reader.ReadArrayHeader()];
        for (int i = 0; i < ops.Length; i++) ops[i] = DocumentFormats.ReadCommittedOp(ref reader);
        return ops;
    }

    /// <summary><c>[v, type|nil, data|nil]</c> or nil.</summary>
    public static void WriteSnapshot(ref MessagePackWriter writer, WireSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(3);
        writer.Write(snapshot.Version);
        writer.Write(snapshot.Type);
        writer.Write(snapshot.Data);
    }

    public static WireSnapshot? ReadSnapshot(ref MessagePackReader reader)
    {
        if (reader.TryReadNil()) return null;
        if (reader.ReadArrayHeader() != 3) throw new SerializationException("A wire snapshot has 3 fields.");
        return new WireSnapshot(reader.ReadInt64(), reader.ReadString(), reader.ReadString());
    }

    /// <summary>
    /// <c>[ch, src, id, value, pv, c, d, v, t]</c>; the value is the client's JSON as text (nil when absent, the
    /// text <c>null</c> when the client sent null: ShareDB tells the two apart).
    /// </summary>
    public static void WritePresence(ref MessagePackWriter writer, PresenceMessage presence)
    {
        writer.WriteArrayHeader(9);
        writer.Write(presence.Channel);
        writer.Write(presence.Src);
        writer.Write(presence.PresenceId);
        writer.Write(presence.Value is { } value ? value.GetRawText() : null);
        writer.Write(presence.PresenceVersion);
        writer.Write(presence.Collection);
        writer.Write(presence.DocumentId);
        WriteNullable(ref writer, presence.Version);
        writer.Write(presence.Type);
    }

    public static PresenceMessage ReadPresence(ref MessagePackReader reader)
    {
        if (reader.ReadArrayHeader() != 9) throw new SerializationException("A presence message has 9 fields.");
        string channel = ReadString(ref reader, "channel");
        string src = ReadString(ref reader, "src");
        string id = ReadString(ref reader, "presence id");
        JsonElement? value = reader.ReadString() is { } json ? ParseJson(json) : null;
        long presenceVersion = reader.ReadInt64();
        return new PresenceMessage(channel, src, id, value, presenceVersion,
            reader.ReadString(), reader.ReadString(), ReadNullable(ref reader), reader.ReadString());
    }

    public static void WriteError(ref MessagePackWriter writer, ProtocolError error)
    {
        writer.Write(error.Code);
        writer.Write(error.Message);
    }

    public static ProtocolError ReadError(ref MessagePackReader reader) =>
        new(ReadString(ref reader, "code"), ReadString(ref reader, "message"));

    public static void WriteNullable(ref MessagePackWriter writer, long? value)
    {
        if (value is { } v) writer.Write(v);
        else writer.WriteNil();
    }

    public static long? ReadNullable(ref MessagePackReader reader) => reader.TryReadNil() ? null : reader.ReadInt64();

    public static string ReadString(ref MessagePackReader reader, string field) =>
        reader.ReadString() ?? throw new SerializationException($"Field '{field}' must not be nil.");

    public static void ExpectFields(ref MessagePackReader reader, int expected, string message)
    {
        int count = reader.ReadArrayHeader();
        if (count != expected) throw new SerializationException($"A {message} message has {expected} fields, not {count}.");
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = WireLimits.MaxDepth });
        return document.RootElement.Clone();
    }
}
