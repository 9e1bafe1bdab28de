using System.Runtime.Serialization;
using CollabActors.Documents;
using CollabActors.Protocol;
using System.Text.Json;
using CollabText;
using CollabText.Types;
using MessagePack;

namespace CollabActors.Serialization;

/// <summary>
/// MessagePack layouts of a document's journal event and snapshot. Positional arrays, so a row costs little more
/// than its op; the text-unicode op keeps its wire shape (<see cref="TextOpFormatter"/>), other types' ops and a
/// create's data are JSON text.
/// <code>
/// CommittedOp      [version, src, seq, timestampMs, kind, ...]
///                  kind 0 text-unicode edit: op | 3 edit of another type: type URI (nil: not yet read), op JSON
///                  | 4 create: type, data JSON|nil | 2 delete
///                  | 1 create: type, text|nil (written before documents had other types than text-unicode; read only)
/// DocumentSnapshot [version, type|nil, data|nil, lastOpTimestampMs, [[src, seq, version], ...]]
///                  data in the type's stored form: the text for text-unicode (all that older snapshots hold), JSON text otherwise
/// </code>
/// Kinds 3 and 4 came with json0 and rich-text; kinds 0, 1 and 2 read as they always did, so older journals replay.
/// </summary>
public static class DocumentFormats
{
    private const int TextEdit = 0, TextCreate = 1, Delete = 2, TypedEdit = 3, Create = 4;

    public static void Write(ref MessagePackWriter writer, CommittedOp op)
    {
        writer.WriteArrayHeader(5 + FieldsOf(op.Change));
        writer.Write(op.Version);
        writer.Write(op.Src);
        writer.Write(op.Seq);
        writer.Write(op.TimestampMs);
        WriteChangeBody(ref writer, op.Change);
    }

    public static CommittedOp ReadCommittedOp(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < 5) throw new SerializationException($"A committed op has at least 5 fields, not {count}.");
        long version = reader.ReadInt64();
        string src = ReadRequiredString(ref reader, "src");
        long seq = reader.ReadInt64();
        long timestamp = reader.ReadInt64();
        OpChange change = ReadChangeBody(ref reader, count - 4);
        return new CommittedOp(version, src, seq, change, timestamp);
    }

    /// <summary>How many fields after the kind a change has.</summary>
    internal static int FieldsOf(OpChange change) => change switch
    {
        EditChange { Op.Type: TextUnicodeOtType } => 1,
        EditChange or CreateChange => 2,
        DeleteChange => 0,
        _ => throw new ArgumentException($"Unknown op change {change.GetType().Name}.", nameof(change)),
    };

    /// <summary>The kind and its fields (<see cref="FieldsOf"/> of them), as a committed op and a submit between nodes have them.</summary>
    internal static void WriteChangeBody(ref MessagePackWriter writer, OpChange change)
    {
        switch (change)
        {
            case EditChange { Op.Type: TextUnicodeOtType } edit:
                writer.Write(TextEdit);
                TextOpFormatter.Instance.Serialize(ref writer, TextUnicodeOtType.Unwrap(edit.Op), ManifestTable.ReadOptions);
                break;
            case EditChange edit:
                writer.Write(TypedEdit);
                writer.Write(edit.Op.Type?.Uri);
                writer.Write(edit.Op.ToJson());
                break;
            case CreateChange create:
                writer.Write(Create);
                writer.Write(create.Type);
                writer.Write(create.Data?.Json);
                break;
            case DeleteChange:
                writer.Write(Delete);
                break;
            default:
                throw new ArgumentException($"Unknown op change {change.GetType().Name}.", nameof(change));
        }
    }

    /// <summary>Reads what <see cref="WriteChangeBody"/> wrote; <paramref name="count"/> is the kind and its fields.</summary>
    internal static OpChange ReadChangeBody(ref MessagePackReader reader, int count)
    {
        int kind = reader.ReadInt32();
        return (kind, count) switch
        {
            (TextEdit, 2) => new EditChange(TextOpFormatter.Instance.Deserialize(ref reader, ManifestTable.ReadOptions)
                                            ?? throw new SerializationException("An edit has no op.")),
            (TextCreate, 3) => new CreateChange(ReadRequiredString(ref reader, "type"), reader.ReadString()),
            (TypedEdit, 3) => new EditChange(ReadOp(reader.ReadString(), ReadRequiredString(ref reader, "op"))),
            (Create, 3) => new CreateChange(ReadRequiredString(ref reader, "type"), reader.ReadString() is { } data ? new JsonText(data) : null),
            (Delete, 1) => DeleteChange.Instance,
            _ => throw new SerializationException($"Unknown op kind {kind} with {count - 1} fields."),
        };
    }

    private static OtOp ReadOp(string? typeUri, string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        // Ops in the journal were read by their document's type when they were committed; read them the same way.
        return typeUri is null ? new UnreadOp(document.RootElement) : OtTypes.Get(typeUri).ReadOp(document.RootElement);
    }

    public static void Write(ref MessagePackWriter writer, DocumentSnapshot snapshot)
    {
        writer.WriteArrayHeader(5);
        writer.Write(snapshot.Version);
        writer.Write(snapshot.Type);
        writer.Write(snapshot.Data);
        writer.Write(snapshot.LastOpTimestampMs);
        writer.WriteArrayHeader(snapshot.RecentSubmitters.Count);
        foreach (SubmitterEntry entry in snapshot.RecentSubmitters)
        {
            writer.WriteArrayHeader(3);
            writer.Write(entry.Src);
            writer.Write(entry.Seq);
            writer.Write(entry.Version);
        }
    }

    public static DocumentSnapshot ReadSnapshot(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count != 5) throw new SerializationException($"A document snapshot has 5 fields, not {count}.");
        long version = reader.ReadInt64();
        string? type = reader.ReadString();
        string? data = reader.ReadString();
        long lastTimestamp = reader.ReadInt64();
        int entries = reader.ReadArrayHeader();
        var submitters = new SubmitterEntry[entries];
        for (int i = 0; i < entries; i++)
        {
            if (reader.ReadArrayHeader() != 3) throw new SerializationException("A submitter entry has 3 fields.");
            submitters[i] = new SubmitterEntry(ReadRequiredString(ref reader, "src"), reader.ReadInt64(), reader.ReadInt64());
        }
        return new DocumentSnapshot(version, type, data, lastTimestamp, submitters);
    }

    private static string ReadRequiredString(ref MessagePackReader reader, string field) =>
        reader.ReadString() ?? throw new SerializationException($"Field '{field}' must not be nil.");
}
