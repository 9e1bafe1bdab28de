using CollabText;

namespace CollabBench;

/// <summary>
/// Replays a trace through <see cref="TextDocument"/>: every patch becomes a text-unicode op and is applied. A
/// concurrent trace is merged the way a ShareDB server merges two clients (Jupiter): each agent's op is transformed
/// past the other agent's ops it had not seen, and those ops are transformed past it in turn.
/// </summary>
internal static class TraceReplay
{
    /// <summary>Which agent's insert goes first when both agents insert at one position.</summary>
    public const TransformSide Agent0Side = TransformSide.Left;

    /// <summary>The text-unicode op for one patch: <c>[pos, {d:n}, "text"]</c> without its empty parts.</summary>
    public static TextOp ToOp(Patch patch)
    {
        if (patch.DeleteCount == 0) return TextOp.InsertAt(patch.Position, patch.Insert);
        if (patch.Insert.Length == 0) return TextOp.DeleteAt(patch.Position, patch.DeleteCount);
        return patch.Position == 0
            ? new TextOp([OpComponent.Delete(patch.DeleteCount), OpComponent.Insert(patch.Insert)])
            : new TextOp([OpComponent.Skip(patch.Position), OpComponent.Delete(patch.DeleteCount), OpComponent.Insert(patch.Insert)]);
    }

    public static TextDocument Replay(EditingTrace trace) =>
        trace.Concurrent ? ReplayConcurrent(trace) : ReplaySequential(trace);

    private static TextDocument ReplaySequential(EditingTrace trace)
    {
        var doc = new TextDocument(trace.StartContent);
        foreach (var txn in trace.Transactions)
        {
            foreach (var patch in txn.Patches) doc.Apply(ToOp(patch));
        }
        return doc;
    }

    private static TextDocument ReplayConcurrent(EditingTrace trace)
    {
        var doc = new TextDocument(trace.StartContent);
        // unseen[a]: the other agent's ops agent a has not seen yet, each tagged with its txn's index in the other
        // agent's sequence and kept transformed so the first applies to agent a's latest state.
        var unseen = new[] { new List<(TextOp Op, int Index)>(), new List<(TextOp Op, int Index)>() };
        foreach (var txn in trace.Transactions)
        {
            var bridge = unseen[txn.Agent];
            int known = 0;
            while (known < bridge.Count && bridge[known].Index < txn.OtherAgentSeen) known++;
            bridge.RemoveRange(0, known);
            var side = txn.Agent == 0 ? Agent0Side : Other(Agent0Side);
            foreach (var patch in txn.Patches)
            {
                var op = ToOp(patch);
                for (int k = 0; k < bridge.Count; k++)
                {
                    var theirs = bridge[k].Op;
                    bridge[k] = (TextUnicodeType.Transform(theirs, op, Other(side)), bridge[k].Index);
                    op = TextUnicodeType.Transform(op, theirs, side);
                }
                doc.Apply(op);
                unseen[1 - txn.Agent].Add((op, txn.AgentIndex));
            }
        }
        return doc;
    }

    private static TransformSide Other(TransformSide side) =>
        side == TransformSide.Left ? TransformSide.Right : TransformSide.Left;
}
