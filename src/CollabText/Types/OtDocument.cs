using System.Text.Json;

namespace CollabText.Types;

/// <summary>
/// One document's data under its type, owned by one document (not thread-safe; text-unicode edits a rope in place).
/// <see cref="Check"/> says whether an op fits without changing anything; <see cref="Apply"/> applies it and hands
/// back what steps the document back over it, for snapshots at past versions.
/// </summary>
public abstract class OtDocument
{
    public abstract OtType Type { get; }

    /// <summary>Throws <see cref="OpRejectedException"/> if <paramref name="op"/> (read by <see cref="Type"/>) does not fit the document.</summary>
    public abstract void Check(OtOp op);

    /// <summary>Applies an op that passed <see cref="Check"/>; returns how to undo it.</summary>
    public abstract OtUndo Apply(OtOp op);

    /// <summary>
    /// Applies an op as <see cref="Apply"/> does, keeping nothing to undo it: for a reader that only moves forward
    /// (the read model's projector), which would otherwise compute an inverse per op and drop it. Types whose undo
    /// costs something (an inverse op) override it.
    /// </summary>
    public virtual void ApplyForward(OtOp op) => Apply(op);

    /// <summary>Steps the document back over the op whose <see cref="Apply"/> returned <paramref name="undo"/> (the last one applied).</summary>
    public abstract void StepBack(OtUndo undo);

    /// <summary>An independent copy, to step back without touching this one.</summary>
    public abstract OtDocument Copy();

    /// <summary>
    /// The data as snapshots keep it: the text itself for text-unicode (as journals always held it), JSON text for
    /// the other types. <see cref="OtType.Restore"/> reads it back.
    /// </summary>
    public abstract string ToStored();

    /// <summary>Roughly what the document holds in memory, for the op log bound when a delete keeps it.</summary>
    public abstract long EstimatedBytes { get; }

    /// <summary>The data as the wire has it.</summary>
    public void WriteData(Utf8JsonWriter writer) => Type.WriteStoredData(writer, ToStored());
}
