using System.Buffers;
using Akka.Actor;
using Akka.Serialization;
using CollabActors.Diagnostics;
using CollabActors.Documents;
using CollabActors.Fanout;
using CollabActors.Presence;
using CollabActors.Protocol;
using MessagePack;
using static CollabActors.Serialization.MessageFieldFormats;

namespace CollabActors.Serialization;

/// <summary>
/// Akka serializer, in MessagePack, for the messages that cross nodes: the commands connections send to documents
/// and presence channels (wherever their shard lives) and what those send back. Bound in config/akka.hocon; each type
/// has a fixed manifest, never a type name read from the bytes. Actor references travel as paths and are resolved on
/// the receiving node. A committed op crosses once per node with subscribers (<see cref="FanoutCommands.Publish"/>)
/// and is framed there by the node's fan-out; a presence frame (<see cref="PreparedMessage"/>) travels as its message
/// and is prepared again on the receiving node. Every message written is counted (<see cref="CollabMetrics"/>,
/// <c>collab_cluster_messages_sent</c>, by manifest): with serialize-messages off, that is what this node sent to others.
/// </summary>
public sealed class ClusterMessageSerializer : SerializerWithStringManifest
{
    /// <summary>Carried in every remote envelope; never reuse or change it.</summary>
    public const int SerializerId = 4101;

    private readonly ManifestTable _table;

    public ClusterMessageSerializer(ExtendedActorSystem system) : base(system)
    {
        var fields = new MessageFieldFormats(system);
        _table = new ManifestTable()
            // Connection -> document
            .Add("doc-fetch.1", (ref MessagePackWriter w, DocumentCommands.Fetch m) =>
                {
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteRef(ref w, m.ReplyTo);
                    WriteNullable(ref w, m.FromVersion);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "fetch");
                    return new DocumentCommands.Fetch(ReadDocument(ref r), r.ReadInt64(), fields.ReadRef(ref r), ReadNullable(ref r));
                })
            .Add("doc-subscribe.1", (ref MessagePackWriter w, DocumentCommands.Subscribe m) =>
                {
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteRef(ref w, m.ReplyTo);
                    WriteNullable(ref w, m.FromVersion);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "subscribe");
                    return new DocumentCommands.Subscribe(ReadDocument(ref r), r.ReadInt64(), fields.ReadRef(ref r), ReadNullable(ref r));
                })
            .Add("doc-unsubscribe.1", (ref MessagePackWriter w, DocumentCommands.Unsubscribe m) =>
                {
                    w.WriteArrayHeader(3); WriteDocument(ref w, m.Document); WriteRef(ref w, m.Subscriber);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "unsubscribe");
                    return new DocumentCommands.Unsubscribe(ReadDocument(ref r), fields.ReadRef(ref r));
                })
            .Add("doc-submit.1", (ref MessagePackWriter w, DocumentCommands.Submit m) =>
                {
                    w.WriteArrayHeader(8); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteRef(ref w, m.ReplyTo);
                    w.Write(m.Src); w.Write(m.Seq); WriteNullable(ref w, m.Version); WriteChange(ref w, m.Change);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 8, "submit");
                    return new DocumentCommands.Submit(ReadDocument(ref r), r.ReadInt64(), fields.ReadRef(ref r),
                        ReadString(ref r, "src"), r.ReadInt64(), ReadNullable(ref r), ReadChange(ref r));
                })
            .Add("doc-fetch-ops.1", (ref MessagePackWriter w, DocumentCommands.FetchOps m) =>
                {
                    w.WriteArrayHeader(6); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteRef(ref w, m.ReplyTo);
                    w.Write(m.From); WriteNullable(ref w, m.To);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 6, "fetch ops");
                    return new DocumentCommands.FetchOps(ReadDocument(ref r), r.ReadInt64(), fields.ReadRef(ref r), r.ReadInt64(), ReadNullable(ref r));
                })
            .Add("doc-fetch-at-version.1", (ref MessagePackWriter w, DocumentCommands.FetchSnapshotAtVersion m) =>
                {
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteRef(ref w, m.ReplyTo);
                    WriteNullable(ref w, m.Version);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "snapshot at version");
                    return new DocumentCommands.FetchSnapshotAtVersion(ReadDocument(ref r), r.ReadInt64(), fields.ReadRef(ref r), ReadNullable(ref r));
                })
            .Add("doc-fetch-at-time.1", (ref MessagePackWriter w, DocumentCommands.FetchSnapshotAtTime m) =>
                {
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteRef(ref w, m.ReplyTo);
                    WriteNullable(ref w, m.TimestampMs);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "snapshot at time");
                    return new DocumentCommands.FetchSnapshotAtTime(ReadDocument(ref r), r.ReadInt64(), fields.ReadRef(ref r), ReadNullable(ref r));
                })
            .Add("doc-presence.1", (ref MessagePackWriter w, DocumentCommands.PublishPresence m) =>
                {
                    w.WriteArrayHeader(4); WriteDocument(ref w, m.Document); WriteRef(ref w, m.Publisher); WritePresence(ref w, m.Presence);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 4, "publish presence");
                    return new DocumentCommands.PublishPresence(ReadDocument(ref r), fields.ReadRef(ref r), ReadPresence(ref r));
                })
            .Add("doc-stop.1", (ref MessagePackWriter w, DocumentCommands.Stop _) => w.WriteArrayHeader(0),
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 0, "stop");
                    return DocumentCommands.Stop.Instance;
                })
            .Add("doc-get-status.1", (ref MessagePackWriter w, DocumentCommands.GetStatus m) =>
                {
                    w.WriteArrayHeader(2); WriteDocument(ref w, m.Document);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 2, "get status");
                    return new DocumentCommands.GetStatus(ReadDocument(ref r));
                })
            // Document -> connection
            .Add("doc-fetched.1", (ref MessagePackWriter w, DocumentReplies.Fetched m) =>
                {
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteSnapshot(ref w, m.Snapshot);
                    WriteOps(ref w, m.Ops);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "fetched");
                    return new DocumentReplies.Fetched(ReadDocument(ref r), r.ReadInt64(), MessageFieldFormats.ReadSnapshot(ref r), ReadOps(ref r));
                })
            .Add("doc-ack.1", (ref MessagePackWriter w, DocumentReplies.Acknowledged m) =>
                {
                    w.WriteArrayHeader(7); WriteDocument(ref w, m.Document); w.Write(m.RequestId); w.Write(m.Src); w.Write(m.Seq);
                    w.Write(m.Version); WriteOps(ref w, m.Missed);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 7, "acknowledged");
                    return new DocumentReplies.Acknowledged(ReadDocument(ref r), r.ReadInt64(), ReadString(ref r, "src"), r.ReadInt64(),
                        r.ReadInt64(), ReadOps(ref r));
                })
            .Add("doc-snapshot-at.1", (ref MessagePackWriter w, DocumentReplies.SnapshotAt m) =>
                {
                    w.WriteArrayHeader(4); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteSnapshot(ref w, m.Snapshot);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 4, "snapshot at");
                    return new DocumentReplies.SnapshotAt(ReadDocument(ref r), r.ReadInt64(),
                        MessageFieldFormats.ReadSnapshot(ref r) ?? throw new System.Runtime.Serialization.SerializationException("A snapshot reply has no snapshot."));
                })
            .Add("doc-rejected.1", (ref MessagePackWriter w, DocumentReplies.Rejected m) =>
                {
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); w.Write(m.RequestId); WriteError(ref w, m.Error);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "rejected");
                    return new DocumentReplies.Rejected(ReadDocument(ref r), r.ReadInt64(), ReadError(ref r));
                })
            .Add("doc-subscription-lost.1", (ref MessagePackWriter w, DocumentReplies.SubscriptionLost m) =>
                {
                    w.WriteArrayHeader(2); WriteDocument(ref w, m.Document);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 2, "subscription lost");
                    return new DocumentReplies.SubscriptionLost(ReadDocument(ref r));
                })
            .Add("doc-status.1", (ref MessagePackWriter w, DocumentReplies.DocumentStatus m) =>
                {
                    w.WriteArrayHeader(6); WriteDocument(ref w, m.Document); w.Write(m.Version); w.Write(m.Subscribers); w.Write(m.PresenceSubscribers);
                    w.Write(m.Node);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 6, "document status");
                    return new DocumentReplies.DocumentStatus(ReadDocument(ref r), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), ReadString(ref r, "node"));
                })
            // Document -> the fan-out of a node with subscribers
            .Add("fanout-add.1", (ref MessagePackWriter w, FanoutCommands.AddSubscriber m) =>
                {
                    w.WriteArrayHeader(3); WriteDocument(ref w, m.Document); WriteRef(ref w, m.Subscriber);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "add subscriber");
                    return new FanoutCommands.AddSubscriber(ReadDocument(ref r), fields.ReadRef(ref r));
                })
            .Add("fanout-remove.1", (ref MessagePackWriter w, FanoutCommands.RemoveSubscriber m) =>
                {
                    w.WriteArrayHeader(3); WriteDocument(ref w, m.Document); WriteRef(ref w, m.Subscriber);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "remove subscriber");
                    return new FanoutCommands.RemoveSubscriber(ReadDocument(ref r), fields.ReadRef(ref r));
                })
            .Add("fanout-publish.1", (ref MessagePackWriter w, FanoutCommands.Publish m) =>
                {
                    w.WriteArrayHeader(4); WriteDocument(ref w, m.Document); DocumentFormats.Write(ref w, m.Op);
                    if (m.Author is { } author) WriteRef(ref w, author);
                    else w.WriteNil();
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 4, "publish");
                    return new FanoutCommands.Publish(ReadDocument(ref r), DocumentFormats.ReadCommittedOp(ref r),
                        r.TryReadNil() ? null : fields.ReadRef(ref r));
                })
            .Add("fanout-relay.1", (ref MessagePackWriter w, FanoutCommands.Relay m) =>
                {
                    // The reply inside is written by its own entry of this table, under its own manifest.
                    w.WriteArrayHeader(5); WriteDocument(ref w, m.Document); WriteRef(ref w, m.To);
                    (string manifest, byte[] reply) = _table!.WriteWithManifest(m.Reply);
                    w.Write(manifest); w.Write(reply);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 5, "relay");
                    DocumentId document = ReadDocument(ref r);
                    IActorRef to = fields.ReadRef(ref r);
                    string manifest = ReadString(ref r, "manifest");
                    byte[] bytes = r.ReadBytes() is { } payload
                        ? payload.ToArray()
                        : throw new System.Runtime.Serialization.SerializationException("A relay carries no reply.");
                    return new FanoutCommands.Relay(document, to, _table!.Read(bytes, manifest) as DocumentReplies.IDocumentReply
                        ?? throw new System.Runtime.Serialization.SerializationException($"A relay carries '{manifest}', which is not a document reply."));
                })
            .Add("fanout-batch.1", (ref MessagePackWriter w, FanoutCommands.Batch m) =>
                {
                    // Each command was written by its own entry of this table when the outbox took it.
                    w.WriteArrayHeader(m.Commands.Count);
                    foreach (FanoutCommands.BatchedCommand c in m.Commands)
                    {
                        w.WriteArrayHeader(3); WriteRef(ref w, c.Document); w.Write(c.Manifest); w.Write(c.Bytes);
                    }
                },
                (ref MessagePackReader r) =>
                {
                    int count = r.ReadArrayHeader();
                    var commands = new FanoutCommands.BatchedCommand[count];
                    for (int i = 0; i < count; i++)
                    {
                        ExpectFields(ref r, 3, "batched command");
                        IActorRef document = fields.ReadRef(ref r);
                        string manifest = ReadString(ref r, "manifest");
                        byte[] bytes = r.ReadBytes() is { } payload
                            ? payload.ToArray()
                            : throw new System.Runtime.Serialization.SerializationException("A batched command carries no bytes.");
                        commands[i] = new FanoutCommands.BatchedCommand(document, manifest, bytes);
                    }
                    return new FanoutCommands.Batch(commands);
                })
            // Connection or document -> presence channel
            .Add("presence-subscribe.1", (ref MessagePackWriter w, PresenceCommands.Subscribe m) =>
                {
                    w.WriteArrayHeader(3); w.Write(m.Channel); WriteRef(ref w, m.Subscriber); w.Write(m.Src);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "presence subscribe");
                    return new PresenceCommands.Subscribe(ReadString(ref r, "channel"), fields.ReadRef(ref r), ReadString(ref r, "src"));
                })
            .Add("presence-unsubscribe.1", (ref MessagePackWriter w, PresenceCommands.Unsubscribe m) =>
                {
                    w.WriteArrayHeader(2); w.Write(m.Channel); WriteRef(ref w, m.Subscriber);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 2, "presence unsubscribe");
                    return new PresenceCommands.Unsubscribe(ReadString(ref r, "channel"), fields.ReadRef(ref r));
                })
            .Add("presence-publish.1", (ref MessagePackWriter w, PresenceCommands.Publish m) =>
                {
                    w.WriteArrayHeader(3); w.Write(m.Channel); WriteRef(ref w, m.Publisher); WritePresence(ref w, m.Presence);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "presence publish");
                    return new PresenceCommands.Publish(ReadString(ref r, "channel"), fields.ReadRef(ref r), ReadPresence(ref r));
                })
            .Add("presence-request.1", (ref MessagePackWriter w, PresenceCommands.Request m) =>
                {
                    w.WriteArrayHeader(3); w.Write(m.Channel); WriteRef(ref w, m.Requester); w.Write(m.Src);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "presence request");
                    return new PresenceCommands.Request(ReadString(ref r, "channel"), fields.ReadRef(ref r), ReadString(ref r, "src"));
                })
            .Add("presence-get-status.1", (ref MessagePackWriter w, PresenceCommands.GetStatus m) =>
                {
                    w.WriteArrayHeader(1); w.Write(m.Channel);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 1, "presence get status");
                    return new PresenceCommands.GetStatus(ReadString(ref r, "channel"));
                })
            // Presence channel -> connection
            .Add("presence-published.1", (ref MessagePackWriter w, PresenceReplies.Published m) =>
                {
                    var presence = m.Frame.Message as PresenceMessage
                                   ?? throw new ArgumentException($"A presence frame carries a {m.Frame.Message.GetType().Name}, not a presence message.");
                    w.WriteArrayHeader(3); w.Write(m.Channel); w.Write(m.Src); WritePresence(ref w, presence);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 3, "presence published");
                    return new PresenceReplies.Published(ReadString(ref r, "channel"), ReadString(ref r, "src"), new PreparedMessage(ReadPresence(ref r)));
                })
            .Add("presence-subscribed.1", (ref MessagePackWriter w, PresenceReplies.Subscribed m) =>
                {
                    w.WriteArrayHeader(1); w.Write(m.Channel);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 1, "presence subscribed");
                    return new PresenceReplies.Subscribed(ReadString(ref r, "channel"));
                })
            .Add("presence-requested.1", (ref MessagePackWriter w, PresenceReplies.Requested m) =>
                {
                    w.WriteArrayHeader(1); w.Write(m.Channel);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 1, "presence requested");
                    return new PresenceReplies.Requested(ReadString(ref r, "channel"));
                })
            .Add("presence-status.1", (ref MessagePackWriter w, PresenceReplies.ChannelStatus m) =>
                {
                    w.WriteArrayHeader(2); w.Write(m.Channel); w.Write(m.Subscribers);
                },
                (ref MessagePackReader r) =>
                {
                    ExpectFields(ref r, 2, "presence status");
                    return new PresenceReplies.ChannelStatus(ReadString(ref r, "channel"), r.ReadInt32());
                });
    }

    public override int Identifier => SerializerId;

    /// <summary>Every manifest this serializer reads.</summary>
    public IEnumerable<string> Manifests => _table.Manifests;

    public override string Manifest(object o) => _table.ManifestOf(o);

    public override byte[] ToBinary(object obj)
    {
        (string manifest, byte[] bytes) = _table.WriteWithManifest(obj);
        CollabMetrics.ClusterMessageSent(manifest);
        return bytes;
    }

    /// <summary>
    /// A command bound for a <see cref="FanoutCommands.Batch"/>, with its manifest: counted as a batched command
    /// (<c>collab_fanout_batched_commands</c>), not as a message; the batch is the message between the nodes.
    /// </summary>
    public (string Manifest, byte[] Bytes) ToBatchedBinary(FanoutCommands.IFanoutCommand command)
    {
        (string manifest, byte[] bytes) = _table.WriteWithManifest(command);
        CollabMetrics.FanoutCommandBatched(manifest);
        return (manifest, bytes);
    }

    public override object FromBinary(byte[] bytes, string manifest) => _table.Read(bytes, manifest);
}
