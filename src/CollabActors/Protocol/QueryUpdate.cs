using CollabActors.Queries;

namespace CollabActors.Protocol;

/// <summary>
/// A subscribe query's results changed: <c>{a: "q", id, diff: [...]}</c>, and <c>extra</c> when the <c>$count</c>
/// changed, as ShareDB's agent sends them (its query emitter sends the two in separate messages; the client reads both
/// from one).
/// </summary>
public sealed record QueryUpdate(long QueryId, IReadOnlyList<ResultsChange> Diff, bool CountChanged, long? Count) : ServerMessage
{
    public override string Action => MessageActions.QueryUpdate;
}
