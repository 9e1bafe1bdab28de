using System.Runtime.Serialization;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabText;
using MessagePack;

namespace CollabActors.Serialization;

/// <summary>
/// MessagePack layouts of a document's journal event and snapshot. Positional arrays, so a row costs little more
/// than its text; the text-unicode op keeps its wire shape (<see cref="TextOpFormatter"/>).
/// <code>
/// CommittedOp      [version, src, seq, timestampMs, kind, ...]   kind 0 edit: op | 1 create: type, data | 2 delete
/// DocumentSnapshot [version, type|nil, text|nil, lastOpTimestampMs, [[src, seq, version], ...]]
/// </code>
/// </summary>
public static class DocumentFormats
{
    private const int Edit = 0, Create = 1, Delete = 2;

    public static void Write(ref MessagePackWriter writer, CommittedOp op)
    {
        switch (op.Change)
        {
            case EditChange edit:
                writer.WriteArrayHeader(6);
                WriteOpHead(ref writer, op, Edit);
                TextOpFormatter.Instance.Serialize(ref writer, edit.Op, ManifestTable.ReadOptions);
                break;
            case CreateChange create:
                writer.WriteArrayHeader(7);
                WriteOpHead(ref writer, op, Create);
                writer.Write(create.Type);
                writer.Write(create.Data);
                break;
            case DeleteChange:
                writer.WriteArrayHeader(5);
                WriteOpHead(ref writer, op, Delete);
                break;
            default:
                throw new ArgumentException($"Unknown op change {op.Change.GetType().Name}.", nameof(op));
        }
    }

    public static CommittedOp ReadCommittedOp(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        if (count < 5) throw new SerializationException($"A committed op has at least 5 fields, not {count}.");
        long version = reader.ReadInt64();
        string src = ReadRequiredString(ref reader, "src");
        long seq = reader.ReadInt64();
        long timestamp = reader.ReadInt64();
        int kind = reader.ReadInt32();
        OpChange change = (kind, count) switch
        {
            (Edit, 6) => new EditChange(TextOpFormatter.Instance.Deserialize(ref reader, ManifestTable.ReadOptions)
                                        ?? throw new SerializationException("An edit has no op.")),
            (Create, 7) => new CreateChange(ReadRequiredString(ref reader, "type"), reader.ReadString()),
            (Delete, 5) => DeleteChange.Instance,
            _ => throw new SerializationException($"Unknown op kind {kind} with {count} fields."),
        };
        return new CommittedOp(version, src, seq, change, timestamp);
    }

    public static void Write(ref MessagePackWriter writer, DocumentSnapshot snapshot)
    {
        writer.WriteArrayHeader(5);
        writer.Write(snapshot.Version);
        writer.Write(snapshot.Type);
        writer.Write(snapshot.Text);
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
        string? text = reader.ReadString();
        long lastTimestamp = reader.ReadInt64();
        int entries = reader.ReadArrayHeader();
        var submitters = new SubmitterEntry[entries];
        for (int i = 0; i < entries; i++)
        {
            if (reader.ReadArrayHeader() != 3) throw new SerializationException("A submitter entry has 3 fields.");
            submitters[i] = new SubmitterEntry(ReadRequiredString(ref reader, "src"), reader.ReadInt64(), reader.ReadInt64());
        }
        return new DocumentSnapshot(version, type, text, lastTimestamp, submitters);
    }

    private static void WriteOpHead(ref MessagePackWriter writer, CommittedOp op, int kind)
    {
        writer.Write(op.Version);
        writer.Write(op.Src);
        writer.Write(op.Seq);
        writer.Write(op.TimestampMs);
        writer.Write(kind);
    }

    private static string ReadRequiredString(ref MessagePackReader reader, string field) =>
        reader.ReadString() ?? throw new SerializationException($"Field '{field}' must not be nil.");
}
