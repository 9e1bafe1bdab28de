using System.Runtime.Serialization;
using Akka.Serialization;
using CollabActors.Documents;
using CollabActors.Protocol;
using CollabActors.Serialization;
using CollabText;
using CollabActors.Tests.Support;

namespace CollabActors.Tests.Serialization;

public sealed class CollabSerializerTests() : Akka.TestKit.Xunit2.TestKit(ActorTestConfig.Create())
{

    public static TheoryData<object> Messages() => new()
    {
        new CommittedOp(0, "client-1", 1, new CreateChange(TextUnicodeType.Uri, "héllo 😀"), 1_700_000_000_000),
        new CommittedOp(1, "client-1", 2, new CreateChange(TextUnicodeType.Name, (string?)null), 1),
        new CommittedOp(41, "c2", 7, new EditChange(TextOp.Parse("[3, \"a😀\", {\"d\": 2}, 1, {\"d\": \"xy\"}]")), long.MaxValue),
        new CommittedOp(42, "c3", 1, DeleteChange.Instance, 5),
        new DocumentSnapshot(500, TextUnicodeType.Uri, "text ✓ 😀", 1_700_000_000_123,
            [new SubmitterEntry("a", 3, 10), new SubmitterEntry("b", 9, 499)]),
        new DocumentSnapshot(3, null, null, 0, []),
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Events_and_snapshots_round_trip_through_the_bound_serializer(object message)
    {
        Serializer serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<CollabSerializer>(serializer);
        string manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        byte[] bytes = serializer.ToBinary(message);

        object back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = (CollabSerializer)Sys.Serialization.FindSerializerForType(typeof(CommittedOp));
        var error = Assert.Throws<UnknownManifestException>(() => serializer.FromBinary([0x90], "document-op.99"));
        Assert.Contains("'document-op.99'", error.Message);
        Assert.Contains("'document-op.1'", error.Message);
    }

    [Fact]
    public void Truncated_or_trailing_bytes_are_rejected_with_the_manifest_named()
    {
        var serializer = (CollabSerializer)Sys.Serialization.FindSerializerForType(typeof(CommittedOp));
        var op = new CommittedOp(1, "s", 1, new EditChange(TextOp.InsertAt(0, "abc")), 1);
        byte[] bytes = serializer.ToBinary(op);

        var truncated = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^2], "document-op.1"));
        Assert.Contains("document-op.1", truncated.Message);
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 0xc0], "document-op.1"));
    }

    [Fact]
    public void An_op_of_the_wrong_shape_is_refused()
    {
        var serializer = (CollabSerializer)Sys.Serialization.FindSerializerForType(typeof(CommittedOp));
        // [1, "s", 1, 1, 0, [[[...]]]]: the op's components are nested arrays, which no text-unicode op has.
        var bytes = new List<byte> { 0x96, 0x01, 0xa1, (byte)'s', 0x01, 0x01, 0x00 };
        bytes.AddRange(Enumerable.Repeat((byte)0x91, 100));
        bytes.Add(0x90);
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes.ToArray(), "document-op.1"));
    }

    [Fact]
    public void A_type_without_a_manifest_is_refused_when_written()
    {
        var serializer = (CollabSerializer)Sys.Serialization.FindSerializerForType(typeof(CommittedOp));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary(new WireSnapshot(1, null, null)));
    }

    /// <summary>Records with lists and ops compare by content through their printed form.</summary>
    private static string Describe(object message) => message switch
    {
        DocumentSnapshot s => $"{s.Version}|{s.Type}|{s.Data}|{s.LastOpTimestampMs}|{string.Join(",", s.RecentSubmitters)}",
        CommittedOp { Change: EditChange edit } op => $"{op with { Change = DeleteChange.Instance }}|{edit.Op.ToJson()}",
        _ => message.ToString()!,
    };
}
