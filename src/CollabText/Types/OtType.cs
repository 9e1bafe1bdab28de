using System.Text.Json;

namespace CollabText.Types;

/// <summary>
/// An OT type as a document uses it, whatever its op and snapshot look like (ShareDB's ot.js calls the type a
/// document has through the same few functions). Each type reads its ops from JSON, makes documents from a create's
/// data, transforms ops and moves presence values. <see cref="OtTypes"/> finds one by name or URI.
/// </summary>
public abstract class OtType
{
    /// <summary>The short name (<c>json0</c>); a create may name the type by it.</summary>
    public abstract string Name { get; }

    /// <summary>The URI (<c>http://sharejs.org/types/JSONv0</c>): what snapshots, ops and presence carry.</summary>
    public abstract string Uri { get; }

    /// <summary>
    /// Whether presence values move through this type's ops (ShareDB: the type defines transformPresence). A type
    /// without it relays presence made at the current version only.
    /// </summary>
    public abstract bool TransformsPresence { get; }

    /// <summary>Reads an op from its JSON; throws <see cref="OpRejectedException"/> when it is not one of this type's ops.</summary>
    public abstract OtOp ReadOp(JsonElement json);

    /// <summary>
    /// The document a create makes from its data (null: no data). Throws <see cref="OpRejectedException"/> when the
    /// data is not a document of this type or is larger than <paramref name="maxUtf16Length"/> allows.
    /// </summary>
    public abstract OtDocument Create(JsonElement? data, int maxUtf16Length);

    /// <summary>A document from the stored form that <see cref="OtDocument.ToStored"/> gave.</summary>
    public abstract OtDocument Restore(string stored, int maxUtf16Length);

    /// <summary>Writes a snapshot's data from its stored form as the wire has it (the <c>data</c> of <c>{v, data, type}</c>).</summary>
    public abstract void WriteStoredData(Utf8JsonWriter writer, string stored);

    /// <summary><paramref name="op"/> moved past <paramref name="applied"/>, both made against one document.</summary>
    public abstract OtOp Transform(OtOp op, OtOp applied, TransformSide side);

    /// <summary>One op with the effect of <paramref name="first"/> then <paramref name="second"/>.</summary>
    public abstract OtOp Compose(OtOp first, OtOp second);

    /// <summary>The op in its type's normal form.</summary>
    public abstract OtOp Normalize(OtOp op);

    /// <summary>
    /// A presence value moved through <paramref name="op"/> (<paramref name="isOwnOp"/>: the op came from the same
    /// client as the presence). Only called when <see cref="TransformsPresence"/>.
    /// </summary>
    public abstract JsonElement? TransformPresence(JsonElement value, OtOp op, bool isOwnOp);

    /// <summary>The op read by this type: an <see cref="UnreadOp"/> is read now, an op of this type passes as it is.</summary>
    public OtOp Read(OtOp op) => op switch
    {
        UnreadOp unread => ReadOp(unread.Json),
        _ when ReferenceEquals(op.Type, this) => op,
        _ => throw new OpRejectedException(OpProblem.BadlyFormed, $"A {op.Type?.Name} op cannot edit a {Name} document."),
    };

    public override string ToString() => Uri;
}
