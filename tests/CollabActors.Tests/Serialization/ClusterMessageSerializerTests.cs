using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Akka.TestKit;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Presence;
using CollabActors.Protocol;
using CollabActors.Serialization;
using CollabActors.Tests.Support;
using CollabText;
using CollabText.Types;

namespace CollabActors.Tests.Serialization;

/// <summary>The messages between connections, documents and presence channels, which may live on different nodes.</summary>
public sealed class ClusterMessageSerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DocumentId Doc = new("docs", "a/b 😀");
    private readonly TestProbe _connection;

    public ClusterMessageSerializerTests() : base(ActorTestConfig.Create())
    {
        _connection = CreateTestProbe("connection");
    }

    /// <summary>Every message type of the documents' and presence channels' protocols.</summary>
    public static TheoryData<Type> MessageTypes()
    {
        var data = new TheoryData<Type>();
        foreach (Type protocol in new[] { typeof(DocumentCommands), typeof(DocumentReplies), typeof(FanoutCommands), typeof(PresenceCommands), typeof(PresenceReplies) })
        foreach (Type message in protocol.GetNestedTypes(BindingFlags.Public))
        {
            // Interfaces, and messages that never leave their node (a fan-out's pushed frame).
            if (message.IsInterface || typeof(INoSerializationVerificationNeeded).IsAssignableFrom(message)) continue;
            // A part of a batch, written inside it, never sent alone.
            if (message == typeof(FanoutCommands.BatchedCommand)) continue;
            data.Add(message);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Every_message_type_is_bound_to_the_cluster_serializer(Type type)
    {
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerForType(type));
        Assert.Contains(Samples(_connection.Ref), m => m.GetType() == type);
    }

    [Fact]
    public void The_types_that_may_cross_nodes_are_exactly_those_marked_IClusterMessage()
    {
        // config/akka.hocon binds the marker, not the types: a protocol message without it would fall back to the
        // catch-all serializer, and a marked type outside the protocols would be bound but never sampled here.
        Type[] marked = typeof(IClusterMessage).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && !t.IsInterface && typeof(IClusterMessage).IsAssignableFrom(t))
            .OrderBy(t => t.FullName).ToArray();
        Type[] protocol = ((IEnumerable<object[]>)MessageTypes()).Select(row => (Type)row[0]).OrderBy(t => t.FullName).ToArray();
        Assert.Equal(protocol, marked);
        Assert.DoesNotContain(marked, t => typeof(INoSerializationVerificationNeeded).IsAssignableFrom(t));
    }

    private static PresenceMessage Presence(JsonElement? value) =>
        new("docs.a/b", "src-1", "cursor-1", value, 7, "docs", "a/b", 12, TextUnicodeType.Uri);

    private static IEnumerable<object> Samples(IActorRef actor)
    {
        var ops = new[]
        {
            new CommittedOp(3, "src-2", 9, new EditChange(TextOp.Parse("[2, \"x😀\", {\"d\": 1}]")), 1_700_000_000_001),
            new CommittedOp(4, "src-3", 1, DeleteChange.Instance, 2),
        };
        JsonElement cursor = JsonDocument.Parse("""{"index": 4, "length": 2, "name": "ana ✓"}""").RootElement.Clone();
        JsonElement jsonNull = JsonDocument.Parse("null").RootElement.Clone();
        return
        [
            new DocumentCommands.Fetch(Doc, 1, actor, null),
            new DocumentCommands.Fetch(Doc, 2, actor, 17),
            new DocumentCommands.Subscribe(Doc, 3, actor, 0),
            new DocumentCommands.Unsubscribe(Doc, actor),
            new DocumentCommands.Submit(Doc, 4, actor, "src-1", 5, 6, new EditChange(TextOp.Parse("[1, {\"d\": \"ab\"}, \"c\"]"))),
            new DocumentCommands.Submit(Doc, 5, actor, "src-1", 6, null, new CreateChange(TextUnicodeType.Uri, "héllo")),
            new DocumentCommands.Submit(Doc, 6, actor, "src-1", 7, 9, new CreateChange(TextUnicodeType.Name, (string?)null)),
            new DocumentCommands.Submit(Doc, 7, actor, "src-1", 8, 9, DeleteChange.Instance),
            new DocumentCommands.FetchOps(Doc, 8, actor, 2, null),
            new DocumentCommands.FetchOps(Doc, 9, actor, 2, 40),
            new DocumentCommands.FetchSnapshotAtVersion(Doc, 10, actor, 3),
            new DocumentCommands.FetchSnapshotAtTime(Doc, 11, actor, 1_700_000_000_000),
            new DocumentCommands.PublishPresence(Doc, actor, Presence(cursor)),
            new DocumentCommands.PublishPresence(Doc, actor, Presence(jsonNull)),
            new DocumentCommands.PublishPresence(Doc, actor, Presence(null) with { Collection = null, DocumentId = null, Version = null, Type = null }),
            DocumentCommands.Stop.Instance,
            new DocumentCommands.GetStatus(Doc),
            new DocumentReplies.Fetched(Doc, 12, new WireSnapshot(5, TextUnicodeType.Uri, "text"), []),
            new DocumentReplies.Fetched(Doc, 13, new WireSnapshot(0, null, null), []),
            new DocumentReplies.Fetched(Doc, 14, null, ops),
            new DocumentReplies.Acknowledged(Doc, 15, "src-1", 5, 44, ops),
            new DocumentReplies.SnapshotAt(Doc, 16, new WireSnapshot(2, TextUnicodeType.Uri, "ab")),
            new DocumentReplies.Rejected(Doc, 17, new ProtocolError(ProtocolErrorCodes.TooManySubscriptions, "exists")),
            new DocumentReplies.SubscriptionLost(Doc),
            new DocumentReplies.DocumentStatus(Doc, 44, 3, 2, "akka.tcp://collab@127.0.0.1:4053"),
            new FanoutCommands.AddSubscriber(Doc, actor),
            new FanoutCommands.RemoveSubscriber(Doc, actor),
            new FanoutCommands.Publish(Doc, ops[0], actor),
            new FanoutCommands.Publish(Doc, ops[1], null),
            new FanoutCommands.Relay(Doc, actor, new DocumentReplies.Acknowledged(Doc, 18, "src-1", 5, 44, ops)),
            new FanoutCommands.Relay(Doc, actor, new DocumentReplies.SubscriptionLost(Doc)),
            new FanoutCommands.Batch([
                new FanoutCommands.BatchedCommand(actor, "fanout-publish.1", [0x94, 0x01, 0x02, 0x03, 0xc0]),
                new FanoutCommands.BatchedCommand(actor, "fanout-relay.1", []),
            ]),
            new FanoutCommands.Batch([]),
            new PresenceCommands.Subscribe("docs.a/b", actor, "src-1"),
            new PresenceCommands.Unsubscribe("docs.a/b", actor),
            new PresenceCommands.Publish("docs.a/b", actor, Presence(cursor)),
            new PresenceCommands.Request("docs.a/b", actor, "src-1"),
            new PresenceCommands.GetStatus("docs.a/b"),
            new PresenceReplies.Published("docs.a/b", "src-1", new PreparedMessage(Presence(cursor))),
            new PresenceReplies.Subscribed("docs.a/b"),
            new PresenceReplies.Requested("docs.a/b"),
            new PresenceReplies.ChannelStatus("docs.a/b", 4),
            // json0 and rich-text: a submit's op goes unread (only the document knows its type), a committed op goes
            // read by its type, a create carries JSON data, and rich-text keeps the form the op came in ([...] or {ops}).
            new DocumentCommands.Submit(Doc, 19, actor, "src-1", 9, 3, new EditChange(Unread("""[{"p":["tags",0],"li":"é😀"},{"p":["n"],"na":-1.5}]"""))),
            new DocumentCommands.Submit(Doc, 20, actor, "src-1", 10, null, new CreateChange("json0", new JsonText("""{"title":"Plan ✓","tags":[],"n":null}"""))),
            new DocumentCommands.Submit(Doc, 21, actor, "src-1", 11, null, new CreateChange(OtTypes.RichText.Uri, new JsonText("""[{"insert":"Hé\n","attributes":{"bold":true}}]"""))),
            new DocumentReplies.Acknowledged(Doc, 22, "src-1", 5, 44, TypedOps),
            new DocumentReplies.Fetched(Doc, 23, new WireSnapshot(7, OtTypes.Json0.Uri, """{"title":"Plan","tags":["x"]}"""), TypedOps),
            new DocumentReplies.SnapshotAt(Doc, 24, new WireSnapshot(2, OtTypes.RichText.Uri, """{"ops":[{"insert":"ab\n"}]}""")),
            new FanoutCommands.Publish(Doc, TypedOps[1], actor),
            new DocumentCommands.PublishPresence(Doc, actor, Presence(cursor) with { Type = OtTypes.RichText.Uri }),
        ];
    }

    private static OtOp Unread(string json) => new UnreadOp(JsonDocument.Parse(json).RootElement);

    /// <summary>Committed ops of json0 and rich-text, read by their types, and a create with JSON data.</summary>
    private static readonly CommittedOp[] TypedOps =
    [
        new(5, "src-4", 2, new EditChange(OtTypes.Json0.ReadOp(JsonDocument.Parse("""[{"p":["title",4],"si":"!"},{"p":["done"],"oi":false}]""").RootElement)), 3),
        new(6, "src-5", 1, new EditChange(OtTypes.RichText.ReadOp(JsonDocument.Parse("""{"ops":[{"retain":2},{"insert":"x","attributes":{"italic":true}}]}""").RootElement)), 4),
        new(7, "src-6", 3, new EditChange(OtTypes.RichText.ReadOp(JsonDocument.Parse("""[{"retain":1},{"delete":2}]""").RootElement)), 5),
        new(8, "src-7", 1, new CreateChange(OtTypes.Json0.Uri, new JsonText("""{"a":[1,2.5,"é"]}""")), 6),
    ];

    [Fact]
    public void Ops_of_json0_and_rich_text_cross_nodes_as_ops_of_their_type_and_a_submits_op_stays_unread()
    {
        var acknowledged = Samples(_connection.Ref).OfType<DocumentReplies.Acknowledged>().Single(a => a.RequestId == 22);
        var back = (DocumentReplies.Acknowledged)RoundTrip(acknowledged);
        Assert.Equal(TypedOps.Select(TypeOf), back.Missed.Select(TypeOf));
        Assert.Equal(TypedOps.Select(DescribeOp), back.Missed.Select(DescribeOp));
        // The rich-text op keeps its form: {ops: [...]} as it went, [...] as it went.
        Assert.StartsWith("{\"ops\":", ((EditChange)back.Missed[1].Change).Op.ToJson());
        Assert.StartsWith("[", ((EditChange)back.Missed[2].Change).Op.ToJson());

        var submit = Samples(_connection.Ref).OfType<DocumentCommands.Submit>().Single(m => m.RequestId == 19);
        var unread = Assert.IsType<UnreadOp>(((EditChange)((DocumentCommands.Submit)RoundTrip(submit)).Change).Op);
        // The document on the other node reads it with its type, as it would have here.
        Assert.Equal(OtTypes.Json0.ReadOp(((UnreadOp)((EditChange)submit.Change).Op).Json), OtTypes.Json0.ReadOp(unread.Json));
    }

    private static string? TypeOf(CommittedOp op) => op.Change switch
    {
        EditChange edit => edit.Op.Type?.Uri,
        CreateChange create => "create " + create.Type,
        _ => null,
    };

    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        return Sys.Serialization.Deserialize(
            serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }

    public static TheoryData<int> SampleIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Samples(ActorRefs.Nobody).Count(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(SampleIndexes))]
    public void A_message_reads_back_as_it_was_written(int index)
    {
        object message = Samples(_connection.Ref).ElementAt(index);
        var serializer = (ClusterMessageSerializer)Sys.Serialization.FindSerializerFor(message);
        string manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        byte[] bytes = serializer.ToBinary(message);

        object back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        // Every field is written, so a field lost on the way makes the second writing differ.
        Assert.Equal(bytes, serializer.ToBinary(back));
        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void A_reference_resolves_to_the_same_actor_which_gets_the_reply()
    {
        var message = new DocumentCommands.Fetch(Doc, 1, _connection.Ref, null);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var back = (DocumentCommands.Fetch)Sys.Serialization.Deserialize(
            serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));

        Assert.Equal(_connection.Ref, back.ReplyTo);
        back.ReplyTo.Tell(new DocumentReplies.Rejected(Doc, 1, new ProtocolError("E", "m")));
        Assert.Equal(1, _connection.ExpectMsg<DocumentReplies.Rejected>().RequestId);
    }

    [Fact]
    public void A_pushed_frame_is_prepared_again_with_the_same_bytes()
    {
        foreach (object message in Samples(_connection.Ref).Where(m => m is PresenceReplies.Published))
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            object back = Sys.Serialization.Deserialize(
                serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            foreach (WireEncoding encoding in new[] { WireEncoding.Json, WireEncoding.MessagePack })
                Assert.Equal(FrameOf(message).BytesFor(encoding), FrameOf(back).BytesFor(encoding));
        }
    }

    [Fact]
    public void Presence_keeps_null_apart_from_absent()
    {
        var withNull = (DocumentCommands.PublishPresence)Samples(_connection.Ref).ElementAt(13);
        var serializer = Sys.Serialization.FindSerializerFor(withNull);
        var back = (DocumentCommands.PublishPresence)Sys.Serialization.Deserialize(
            serializer.ToBinary(withNull), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, withNull));
        Assert.Equal(JsonValueKind.Null, back.Presence.Value!.Value.ValueKind);
    }

    [Fact]
    public void Damaged_or_unknown_input_is_a_clear_error()
    {
        var serializer = (ClusterMessageSerializer)Sys.Serialization.FindSerializerForType(typeof(DocumentCommands.Submit));
        var submit = Samples(_connection.Ref).OfType<DocumentCommands.Submit>().First();
        byte[] bytes = serializer.ToBinary(submit);

        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^1], "doc-submit.1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 0xc0], "doc-submit.1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "doc-fetch.1"));
        var unknown = Assert.Throws<UnknownManifestException>(() => serializer.FromBinary(bytes, "System.String"));
        Assert.Contains("'doc-submit.1'", unknown.Message);
    }

    [Fact]
    public void A_damaged_batch_is_a_clear_error()
    {
        var serializer = (ClusterMessageSerializer)Sys.Serialization.FindSerializerForType(typeof(FanoutCommands.Batch));
        var batch = Samples(_connection.Ref).OfType<FanoutCommands.Batch>().First(b => b.Commands.Count > 0);
        byte[] bytes = serializer.ToBinary(batch);

        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^1], "fanout-batch.1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. bytes, 0xc0], "fanout-batch.1"));
        // A command whose bytes are missing (nil where the bytes go).
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteArrayHeader(1);
        writer.WriteArrayHeader(3);
        writer.Write(Akka.Serialization.Serialization.SerializedActorPath(_connection.Ref));
        writer.Write("fanout-publish.1");
        writer.WriteNil();
        writer.Flush();
        var missing = Assert.Throws<SerializationException>(() => serializer.FromBinary(buffer.WrittenSpan.ToArray(), "fanout-batch.1"));
        Assert.Contains("no bytes", missing.Message);
    }

    [Fact]
    public void A_message_without_a_binding_fails_the_test_that_sends_it()
    {
        var error = Assert.ThrowsAny<Exception>(() => Sys.Serialization.FindSerializerFor(new UnboundMessage(1)).ToBinary(new UnboundMessage(1)));
        Assert.IsType<UnboundMessageException>(error);
        // With serialize-messages = on, sending it is where a test finds out.
        _connection.Ref.Tell(new UnboundMessage(2));
        _connection.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    private sealed record UnboundMessage(int Value);

    private static PreparedMessage FrameOf(object message) => message switch
    {
        PresenceReplies.Published p => p.Frame,
        _ => throw new ArgumentException(message.GetType().Name),
    };

    /// <summary>Records holding lists, ops, JSON and frames compare by their printed content.</summary>
    private static string Describe(object message) => message switch
    {
        DocumentCommands.Submit s => $"{s with { Change = DeleteChange.Instance }}|{DescribeChange(s.Change)}",
        DocumentCommands.PublishPresence p => $"{p with { Presence = null! }}|{DescribePresence(p.Presence)}",
        PresenceCommands.Publish p => $"{p with { Presence = null! }}|{DescribePresence(p.Presence)}",
        DocumentReplies.Fetched f => $"{f with { Ops = [] }}|{string.Join(",", f.Ops.Select(DescribeOp))}",
        DocumentReplies.Acknowledged a => $"{a with { Missed = [] }}|{string.Join(",", a.Missed.Select(DescribeOp))}",
        FanoutCommands.Publish p => $"{p with { Op = null! }}|{DescribeOp(p.Op)}",
        FanoutCommands.Relay r => $"{r with { Reply = null! }}|{Describe(r.Reply)}",
        FanoutCommands.Batch b => string.Join(";", b.Commands.Select(c => $"{c.Document}|{c.Manifest}|{Convert.ToHexString(c.Bytes)}")),
        PresenceReplies.Published p => $"{p.Channel}|{p.Src}|{DescribePresence((PresenceMessage)p.Frame.Message)}",
        _ => message.ToString()!,
    };

    private static string DescribeOp(CommittedOp op) => $"{op with { Change = DeleteChange.Instance }}|{DescribeChange(op.Change)}";

    private static string DescribeChange(OpChange change) => change is EditChange edit ? edit.Op.ToJson() : change.ToString();

    private static string DescribePresence(PresenceMessage p) => $"{p with { Value = null }}|{p.Value?.GetRawText() ?? "<absent>"}";
}
