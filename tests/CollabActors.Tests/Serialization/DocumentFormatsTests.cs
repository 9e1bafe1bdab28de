using System.Buffers;
using System.Text.Json;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabActors.Serialization;
using CollabText.Types;
using MessagePack;

namespace CollabActors.Tests.Serialization;

/// <summary>Journal rows and snapshots: every type's ops round trip, and rows written before there were other types still read.</summary>
public class DocumentFormatsTests
{
    private delegate void Write(ref MessagePackWriter writer);

    // The writer is a struct: it is handed on by reference so the bytes it buffers are flushed here.
    private static byte[] Bytes(Write write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static CommittedOp RoundTrip(CommittedOp op)
    {
        byte[] bytes = Bytes((ref MessagePackWriter w) => DocumentFormats.Write(ref w, op));
        var reader = new MessagePackReader(bytes);
        return DocumentFormats.ReadCommittedOp(ref reader);
    }

    private static OtOp Read(OtType type, string json) => type.ReadOp(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Rows_written_before_documents_had_types_replay_as_text_unicode()
    {
        // The layout of the text-unicode-only journal: [v, src, seq, ts, 1, type, text] and [v, src, seq, ts, 0, op].
        byte[] create = Bytes((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(7);
            w.Write(0L); w.Write("author"); w.Write(1L); w.Write(1000L); w.Write(1); w.Write("http://sharejs.org/types/text-unicode"); w.Write("héllo 😀");
        });
        byte[] edit = Bytes((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(6);
            w.Write(1L); w.Write("author"); w.Write(2L); w.Write(1001L); w.Write(0);
            w.WriteArrayHeader(2); w.Write(5); w.Write("!");
        });
        var state = new DocumentState(new DocumentId("docs", "old"), DocumentSettings.Default);
        foreach (byte[] row in new[] { create, edit })
        {
            var reader = new MessagePackReader(row);
            state.Apply(DocumentFormats.ReadCommittedOp(ref reader));
        }
        Assert.Equal(("http://sharejs.org/types/text-unicode", "héllo! 😀", 2L), (state.Type, state.Data, state.Version));
    }

    [Fact]
    public void A_snapshot_written_before_documents_had_types_restores_its_text()
    {
        byte[] old = Bytes((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(5);
            w.Write(3L); w.Write("http://sharejs.org/types/text-unicode"); w.Write("abc"); w.Write(5L); w.WriteArrayHeader(0);
        });
        var reader = new MessagePackReader(old);
        var state = new DocumentState(new DocumentId("docs", "old"), DocumentSettings.Default);
        state.Restore(DocumentFormats.ReadSnapshot(ref reader));
        Assert.Equal(new WireSnapshot(3, "http://sharejs.org/types/text-unicode", "abc"), state.Snapshot());
    }

    [Fact]
    public void Ops_and_creates_of_every_type_round_trip_read_by_their_type()
    {
        CommittedOp[] ops =
        [
            new(0, "a", 1, new CreateChange("http://sharejs.org/types/JSONv0", new JsonText("""{"t":"é","n":[1,2.5]}""")), 1),
            new(0, "a", 1, new CreateChange("http://sharejs.org/types/JSONv0", (JsonText?)null), 1),
            new(1, "a", 2, new EditChange(Read(OtTypes.Json0, """[{"p":["n",0],"li":{"x":null}}]""")), 2),
            new(1, "a", 2, new EditChange(Read(OtTypes.RichText, """{"ops":[{"retain":1},{"insert":"x","attributes":{"bold":true}}]}""")), 2),
            new(1, "a", 2, new EditChange(Read(OtTypes.RichText, """[{"delete":1}]""")), 2),
            new(1, "a", 2, new EditChange(Read(OtTypes.TextUnicode, """[1,"x"]""")), 2),
            new(1, "a", 2, new EditChange(new UnreadOp(JsonDocument.Parse("""[{"p":[],"oi":1}]""").RootElement)), 2),
        ];
        foreach (CommittedOp op in ops)
        {
            CommittedOp back = RoundTrip(op);
            Assert.Equal(op, back);
            if (op.Change is EditChange edit) Assert.Same(edit.Op.Type, ((EditChange)back.Change).Op.Type);
        }
    }
}
