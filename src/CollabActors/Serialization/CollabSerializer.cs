using Akka.Actor;
using Akka.Serialization;
using CollabActors.Documents;

namespace CollabActors.Serialization;

/// <summary>
/// Akka serializer for CollabSuite's own messages, in MessagePack: the events and snapshots of document actors
/// (journal and snapshot store). Bound to those types in config/akka.hocon, so none of them falls back to Akka's
/// default serializer; messages that cross nodes are added here the same way (one line in <see cref="Table"/>).
/// </summary>
public sealed class CollabSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Stored beside every journal row; never reuse or change it.</summary>
    public const int SerializerId = 4100;

    public static readonly ManifestTable Table = new ManifestTable()
        .Add<CommittedOp>("document-op.1", DocumentFormats.Write, DocumentFormats.ReadCommittedOp)
        .Add<DocumentSnapshot>("document-snapshot.1", DocumentFormats.Write, DocumentFormats.ReadSnapshot);

    public override int Identifier => SerializerId;

    public override string Manifest(object o) => Table.ManifestOf(o);

    public override byte[] ToBinary(object obj) => Table.Write(obj);

    public override object FromBinary(byte[] bytes, string manifest) => Table.Read(bytes, manifest);
}
